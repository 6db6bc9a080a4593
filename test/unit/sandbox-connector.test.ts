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
    const failing = params({ faults: [{ kind: 'auth', afterPages: 1, message: 'nope' }] });
    await expect(sandboxConnector.pullPage(failing, { dataType: 'invoices', cursor: null })).resolves.toBeDefined();
    await expect(sandboxConnector.pullPage(failing, { dataType: 'invoices', cursor: '3' })).rejects.toMatchObject({ kind: 'auth', message: 'nope' });
    // Without `times`, a fault fails every request it matches.
    await expect(sandboxConnector.pullPage(failing, { dataType: 'invoices', cursor: '3' })).rejects.toMatchObject({ kind: 'auth' });
    await expect(sandboxConnector.pullPage(params(), { dataType: 'balanceSheet', cursor: null })).rejects.toBeInstanceOf(UpstreamError);
    await expect(sandboxConnector.pullPage(params(), { dataType: 'invoices', cursor: 'x' })).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('maps each fault kind to the UpstreamError a real source would cause', async () => {
    const cases = [
      [{ kind: 'rateLimited', retryAfterSeconds: 7 }, { kind: 'rateLimited', options: { retryAfterMs: 7000 } }, /429 Too Many Requests/],
      [{ kind: 'serverError', status: 502 }, { kind: 'unavailable' }, /502 Bad Gateway/],
      [{ kind: 'timeout' }, { kind: 'unavailable' }, /timed out/],
      [{ kind: 'malformed' }, { kind: 'malformed' }, /not valid JSON/],
      [{ kind: 'auth' }, { kind: 'auth' }, /401 Unauthorized.*re-link/],
      [{ kind: 'permission' }, { kind: 'permission' }, /403 Forbidden/],
    ] as const;
    for (const [fault, expected, message] of cases) {
      const error = await sandboxConnector.pullPage(params({ faults: [fault] }), { dataType: 'bills', cursor: '6' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject(expected);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('bills page 3');
    }
  });

  it('counts `times` per fault and honours dataTypes, so a flaky source recovers', async () => {
    const flaky = params({ seed: 'flaky', faults: [{ kind: 'serverError', times: 2, dataTypes: ['customers'] }] });
    const read = (dataType: 'customers' | 'suppliers') => sandboxConnector.pullPage(flaky, { dataType, cursor: null }).then(() => 'ok', (e: UpstreamError) => e.kind);
    expect(await read('suppliers')).toBe('ok');
    expect([await read('customers'), await read('customers'), await read('customers')]).toEqual(['unavailable', 'unavailable', 'ok']);
  });

  it('serves any page of ten million records at the cost of one page', async () => {
    const huge = params({ recordsPerDataType: 10_000_000, pageSize: 500 });
    const started = performance.now();
    const last = await sandboxConnector.pullPage(huge, { dataType: 'payments', cursor: '9999500' });
    expect(last.records).toHaveLength(500);
    expect(last.records.at(-1)!.id).toBe('pay-9999999');
    expect(last).toMatchObject({ nextCursor: null, totalRecords: 10_000_000 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('rejects unknown parameters instead of ignoring them', () => {
    expect(sandboxConnector.parameters.safeParse({ recordsPerDataTyp: 5 }).success).toBe(false);
  });
});
