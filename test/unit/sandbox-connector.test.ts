import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/connectors/errors.js';
import { sandboxConnector } from '../../src/connectors/sandbox/index.js';

const params = (overrides: object = {}) => sandboxConnector.parameters.parse({ recordsPerDataType: 7, pageSize: 3, ...overrides });

async function pullAll(dataType: 'invoices' | 'customers' | 'chartOfAccounts', p = params()) {
  const pages = [];
  let cursor: string | null = null;
  do {
    const page = await sandboxConnector.pullPage(p, { dataType, cursor });
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return pages;
}

describe('sandbox connector', () => {
  it('pages through exactly the configured volume', async () => {
    const pages = await pullAll('invoices');
    expect(pages.map((p) => p.records.length)).toEqual([3, 3, 1]);
    expect(pages.every((p) => p.totalRecords === 7)).toBe(true);
    const ids = pages.flatMap((p) => p.records.map((r) => r.id));
    expect(new Set(ids).size).toBe(7);
  });

  it('is deterministic: the same seed gives the same records, another seed other records', async () => {
    expect(await pullAll('customers')).toEqual(await pullAll('customers'));
    const other = await pullAll('customers', params({ seed: 'other' }));
    expect(other[0]!.records[0]!.data).not.toEqual((await pullAll('customers'))[0]!.records[0]!.data);
  });

  it('makes invoices in the Codat shape, with consistent totals', async () => {
    const [page] = await pullAll('invoices');
    const invoice = page!.records[0]!.data as Record<string, unknown> & { lineItems: { totalAmount: number }[]; totalAmount: number };
    expect(invoice).toMatchObject({ id: 'inv-000000', invoiceNumber: 'INV-000001', currency: expect.any(String), customerRef: { id: expect.stringMatching(/^cus-/) } });
    const sum = invoice.lineItems.reduce((s, l) => s + l.totalAmount, 0);
    expect(invoice.totalAmount).toBeCloseTo(sum, 1);
    expect(page!.records[0]!.modifiedDate).toBe(invoice.modifiedDate);
  });

  it('gives every account a unique id, beyond the base chart', async () => {
    const pages = await pullAll('chartOfAccounts', params({ recordsPerDataType: 25, pageSize: 25 }));
    const ids = pages[0]!.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(25);
  });

  it('throws typed upstream errors for injected faults and unsupported types', async () => {
    const failing = params({ failure: { message: 'nope', kind: 'auth', afterPages: 1 } });
    await expect(sandboxConnector.pullPage(failing, { dataType: 'invoices', cursor: null })).resolves.toBeDefined();
    await expect(sandboxConnector.pullPage(failing, { dataType: 'invoices', cursor: '3' })).rejects.toMatchObject({ kind: 'auth', message: 'nope' });
    await expect(sandboxConnector.pullPage(params(), { dataType: 'balanceSheet', cursor: null })).rejects.toBeInstanceOf(UpstreamError);
    await expect(sandboxConnector.pullPage(params(), { dataType: 'invoices', cursor: 'x' })).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('rejects unknown parameters instead of ignoring them', () => {
    expect(sandboxConnector.parameters.safeParse({ recordsPerDataTyp: 5 }).success).toBe(false);
  });
});
