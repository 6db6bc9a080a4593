// GET /companies/{companyId}/data/{dataType} and its connection-scoped twin: records pulled through the real
// API (Temporal worker, sandbox connector, the store this run tests), served in Codat's paging envelope and
// filtered and ordered by the query language over any property of the records.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMessage } from '../src/api/errors.js';
import type { DataRecord, PullOperation } from '../src/api/wire.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

interface Invoice extends DataRecord {
  invoiceNumber: string;
  customerRef: { id: string };
  totalAmount: number;
  amountDue: number;
  currency: string;
  status: string;
  issueDate: string;
}

interface Page {
  results: Invoice[];
  pageNumber: number;
  pageSize: number;
  totalResults: number;
  _links: { self: { href: string }; current: { href: string }; next?: { href: string }; previous?: { href: string } };
}

let h: Harness;
let other: Tenant;
/** All of h.tenant's invoices as the API first served them, in the default order. */
let all: Invoice[];

const queue = (tenant: Tenant, dataType: string, query = '') =>
  h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/${dataType}${query}`, { apiKey: tenant.apiKey });
const untilEnded = (tenant: Tenant, id: string) =>
  eventually(
    () => h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${id}`, { apiKey: tenant.apiKey }),
    (r) => r.body.status !== 'Queued' && r.body.status !== 'Fetching',
  );
async function pull(tenant: Tenant, dataType: string, query = ''): Promise<PullOperation> {
  const queued = await queue(tenant, dataType, query);
  expect(queued.status).toBe(200);
  const ended = await untilEnded(tenant, queued.body.id);
  expect(ended.body.status).toBe('Complete');
  return ended.body;
}

function list(tenant: Tenant, params: Record<string, string> = {}, { dataType = 'invoices', connectionId, apiKey = tenant.apiKey }: { dataType?: string; connectionId?: string; apiKey?: string } = {}) {
  const scope = connectionId ? `/connections/${connectionId}` : '';
  return h.request<Page & ErrorMessage>('GET', `/companies/${tenant.companyId}${scope}/data/${dataType}?${new URLSearchParams(params)}`, { apiKey });
}
const ids = (records: readonly DataRecord[]) => records.map((r) => r.id);

beforeAll(async () => {
  h = await startHarness();
  other = await h.addTenant();
  await pull(h.tenant, 'invoices');
  const everything = await list(h.tenant, { pageSize: '5000' });
  expect(everything.status).toBe(200);
  all = everything.body.results;
  expect(all).toHaveLength(120);
});

afterAll(async () => {
  await h?.close();
});

describe('GET /companies/{companyId}/data/{dataType}', () => {
  it('serves the pulled records, with Sluice’s fields laid over their data', async () => {
    const stored = await h.store.db.selectFrom('records').selectAll().where('company_id', '=', h.tenant.companyId).where('source_id', '=', 'inv-000007').executeTakeFirstOrThrow();
    const record = all.find((r) => r.id === 'inv-000007')!;
    expect(record).toEqual({
      ...JSON.parse(stored.data),
      id: 'inv-000007',
      modifiedDate: stored.updated_at,
      sourceModifiedDate: stored.source_modified_date,
      metadata: { isDeleted: false },
    });
    expect(record).toMatchObject({ invoiceNumber: 'INV-000008', customerRef: { id: expect.stringMatching(/^cus-/) }, totalAmount: expect.any(Number) });
    // By default: by connection, then source id.
    expect(ids(all)).toEqual([...ids(all)].sort());
  });

  it('pages with Codat’s envelope and links', async () => {
    const path = `/companies/${h.tenant.companyId}/data/invoices`;
    const first = await list(h.tenant, { pageSize: '50' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ pageNumber: 1, pageSize: 50, totalResults: 120 });
    expect(first.body._links).toEqual({ self: { href: path }, current: { href: `${path}?page=1&pageSize=50` }, next: { href: `${path}?page=2&pageSize=50` } });
    const pages = [first.body];
    for (let page = 2; page <= 3; page++) pages.push((await list(h.tenant, { page: String(page), pageSize: '50' })).body);
    expect(pages.map((p) => p.results.length)).toEqual([50, 50, 20]);
    expect(pages[2]!._links.next).toBeUndefined();
    expect(pages[2]!._links.previous).toEqual({ href: `${path}?page=2&pageSize=50` });
    expect(pages.flatMap((p) => ids(p.results))).toEqual(ids(all));
    const beyond = await list(h.tenant, { page: '4', pageSize: '50' });
    expect(beyond.body).toMatchObject({ results: [], totalResults: 120 });
    // Without page or pageSize: Codat's defaults.
    expect((await list(h.tenant)).body).toMatchObject({ pageNumber: 1, pageSize: 100, totalResults: 120 });
  });

  it('filters on properties of the records’ data: strings, numbers, dates, nested paths, contains', async () => {
    const day = all[7]!.issueDate.slice(0, 10);
    const customer = all[3]!.customerRef.id;
    const cases: [string, (r: Invoice) => boolean][] = [
      ['currency=GBP', (r) => r.currency === 'GBP'],
      ['status!=Paid', (r) => r.status !== 'Paid'],
      ['totalAmount>1000', (r) => r.totalAmount > 1000],
      ['totalAmount<=1500.5', (r) => r.totalAmount <= 1500.5],
      ['amountDue=0', (r) => r.amountDue === 0],
      ['issueDate>=2025-06-01', (r) => r.issueDate.slice(0, 10) >= '2025-06-01'],
      ['issueDate<2025-06-01', (r) => r.issueDate.slice(0, 10) < '2025-06-01'],
      [`issueDate=${day}`, (r) => r.issueDate.startsWith(day)],
      [`customerRef.id=${customer}`, (r) => r.customerRef.id === customer],
      ['invoiceNumber~inv-00001', (r) => r.invoiceNumber.toLowerCase().includes('inv-00001')],
      ['{currency=GBP||currency=EUR}&&amountDue>0&&status!=Void', (r) => (r.currency === 'GBP' || r.currency === 'EUR') && r.amountDue > 0 && r.status !== 'Void'],
      ['id=inv-000042', (r) => r.id === 'inv-000042'],
      ['noSuchProperty=1', () => false],
    ];
    for (const [query, expected] of cases) {
      const response = await list(h.tenant, { query, pageSize: '5000' });
      expect(response.status, query).toBe(200);
      const want = ids(all.filter(expected));
      expect(ids(response.body.results), query).toEqual(want);
      expect(response.body.totalResults, query).toBe(want.length);
    }
    // The sandbox's data is varied enough for each filter above to be a real test.
    expect(all.filter((r) => r.totalAmount > 1000).length).toBeGreaterThan(0);
    expect(all.filter((r) => r.issueDate.startsWith(day)).length).toBeLessThan(120);
    expect(all.filter((r) => r.customerRef.id === customer).length).toBeGreaterThan(0);
  });

  it('orders by properties of the records’ data, ascending and descending, and pages in that order', async () => {
    const byAmount = (await list(h.tenant, { orderBy: '-totalAmount', pageSize: '5000' })).body.results;
    expect(byAmount).toHaveLength(120);
    const amounts = byAmount.map((r) => r.totalAmount);
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    const byDate = (await list(h.tenant, { orderBy: 'issueDate', pageSize: '5000' })).body.results;
    const dates = byDate.map((r) => r.issueDate);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(ids(byDate))).toEqual(new Set(ids(all)));

    const paged = [];
    for (let page = 1; page <= 4; page++) paged.push(...(await list(h.tenant, { orderBy: 'customerRef.id', page: String(page), pageSize: '32' })).body.results);
    const customers = paged.map((r) => r.customerRef.id);
    expect(customers).toEqual([...customers].sort());
    expect(new Set(ids(paged)).size).toBe(120);

    const filtered = await list(h.tenant, { query: 'currency=USD', orderBy: '-issueDate', pageSize: '5000' });
    expect(filtered.body.results.every((r) => r.currency === 'USD')).toBe(true);
    expect(filtered.body.results.map((r) => r.issueDate)).toEqual(filtered.body.results.map((r) => r.issueDate).sort().reverse());
    expect(filtered.body._links.current.href).toContain('orderBy=-issueDate');
  });

  it('flags deleted records in metadata.isDeleted, which a query can exclude', async () => {
    const deleted = ['inv-000001', 'inv-000050', 'inv-000119'];
    const flag = (value: number) =>
      h.store.db.updateTable('records').set({ is_deleted: value }).where('company_id', '=', h.tenant.companyId).where('source_id', 'in', deleted).execute();
    await flag(1);
    try {
      const live = await list(h.tenant, { query: 'metadata.isDeleted!=true', pageSize: '5000' });
      expect(live.body.totalResults).toBe(117);
      expect(ids(live.body.results)).toEqual(ids(all).filter((id) => !deleted.includes(id)));
      const gone = await list(h.tenant, { query: 'metadata.isDeleted=true' });
      expect(ids(gone.body.results)).toEqual(deleted);
      expect(gone.body.results.map((r) => r.metadata)).toEqual(deleted.map(() => ({ isDeleted: true })));
      expect((await list(h.tenant, { query: 'metadata.isDeleted=false' })).body.totalResults).toBe(117);
      const lastFirst = await list(h.tenant, { orderBy: '-metadata.isDeleted', pageSize: '3' });
      expect(ids(lastFirst.body.results)).toEqual(deleted);
    } finally {
      await flag(0);
    }
  });

  it('filters and orders on modifiedDate and sourceModifiedDate', async () => {
    const changed = ['inv-000010', 'inv-000011'];
    const original = all.find((r) => r.id === 'inv-000010')!.modifiedDate;
    const setModified = (value: string) =>
      h.store.db.updateTable('records').set({ updated_at: value }).where('company_id', '=', h.tenant.companyId).where('source_id', 'in', changed).execute();
    await setModified('2024-03-01T10:00:00.000Z');
    try {
      const before = await list(h.tenant, { query: 'modifiedDate<2025-01-01' });
      expect(ids(before.body.results)).toEqual(changed);
      expect(before.body.results.map((r) => r.modifiedDate)).toEqual(['2024-03-01T10:00:00.000Z', '2024-03-01T10:00:00.000Z']);
      expect((await list(h.tenant, { query: 'modifiedDate=2024-03-01' })).body.totalResults).toBe(2);
      expect((await list(h.tenant, { query: 'modifiedDate>2024-03-01T09:00:00Z&&modifiedDate<2024-03-02' })).body.totalResults).toBe(2);
      const since = await list(h.tenant, { query: `modifiedDate>2025-01-01`, orderBy: '-modifiedDate', pageSize: '5000' });
      expect(since.body.totalResults).toBe(118);
      const newestFirst = await list(h.tenant, { orderBy: '-modifiedDate', pageSize: '5000' });
      expect(ids(newestFirst.body.results).slice(-2)).toEqual(changed);
    } finally {
      await setModified(original);
    }
    const cutoff = all[20]!.sourceModifiedDate!.slice(0, 10);
    const recent = await list(h.tenant, { query: `sourceModifiedDate>=${cutoff}`, pageSize: '5000' });
    expect(ids(recent.body.results)).toEqual(ids(all.filter((r) => r.sourceModifiedDate!.slice(0, 10) >= cutoff)));
  });

  it('answers 400 to a query or orderBy it cannot use, and to an unknown data type', async () => {
    const rejected: Record<string, string>[] = [
      { query: 'totalAmount>' },
      { query: 'status>Paid' },
      { query: '{currency=GBP' },
      { query: 'metadata.isDeleted=maybe' },
      { query: 'modifiedDate>last week' },
      { orderBy: 'a..b' },
      { orderBy: '-' },
      { orderBy: 'lineItems[0].amount' },
      { pageSize: '0' },
    ];
    for (const params of rejected) {
      const response = await list(h.tenant, params);
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, canBeRetried: 'False' });
    }
    const malformed = await list(h.tenant, { query: 'totalAmount>' });
    expect(malformed.body.error).toMatch(/^Error parsing query - /);
    // A malformed query is a 400 whatever the company.
    expect((await list(other, { query: 'a=1&&' }, { apiKey: h.tenant.apiKey })).status).toBe(400);
    const unknownType = await list(h.tenant, {}, { dataType: 'widgets' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error).toContain('Invalid data type "widgets"');
  });

  it('leaves GET /companies/{companyId}/data/history to the pull operations', async () => {
    const history = await h.request<{ results: PullOperation[] }>('GET', `/companies/${h.tenant.companyId}/data/history`);
    expect(history.status).toBe(200);
    expect(history.body.results.map((p) => p.dataType)).toContain('invoices');
    const one = await h.request<PullOperation>('GET', `/companies/${h.tenant.companyId}/data/history/${history.body.results[0]!.id}`);
    expect(one.status).toBe(200);
  });
});

describe('tenancy', () => {
  it('answers 404 for another client’s company, or a connection not of the company', async () => {
    const strangers = await list(h.tenant, {}, { apiKey: other.apiKey });
    expect(strangers.status).toBe(404);
    expect(strangers.body).toMatchObject({ statusCode: 404, error: `No company was found with ID ${h.tenant.companyId}` });
    expect((await list(other, {}, { apiKey: h.tenant.apiKey })).status).toBe(404);
    expect((await list(h.tenant, {}, { connectionId: h.tenant.connectionId, apiKey: other.apiKey })).status).toBe(404);

    for (const connectionId of [other.connectionId, randomUUID()]) {
      const response = await list(h.tenant, {}, { connectionId });
      expect(response.status).toBe(404);
      expect(response.body.error).toBe(`Data connection ${connectionId} not found`);
    }
    // A connection of another company of the same client is not this company's.
    const company = await h.store.companies.createCompany(h.tenant.clientId, 'Sister company');
    const sister = await h.store.companies.createConnection(company, 'sandbox', { recordsPerDataType: 5 });
    expect((await list(h.tenant, {}, { connectionId: sister.id })).status).toBe(404);
  });
});

describe('GET /companies/{companyId}/connections/{connectionId}/data/{dataType}', () => {
  it('serves one connection’s records; the company-wide list has every connection’s', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 20 });
    const company = (await h.store.companies.getCompany(tenant.clientId, tenant.companyId))!;
    const second = await h.store.companies.createConnection(company, 'sandbox', { recordsPerDataType: 30, pageSize: 50 });
    await pull(tenant, 'invoices', `?connectionId=${tenant.connectionId}`);

    // Requested on one connection only: the other one's data set was never requested.
    const notYet = await list(tenant, {}, { connectionId: second.id });
    expect(notYet.status).toBe(409);
    expect(notYet.body.error).toBe('The data set has not been requested.');
    expect((await list(tenant)).body.totalResults).toBe(20);

    await pull(tenant, 'invoices', `?connectionId=${second.id}`);
    const firstOnly = await list(tenant, { pageSize: '100' }, { connectionId: tenant.connectionId });
    expect(firstOnly.status).toBe(200);
    expect(firstOnly.body.totalResults).toBe(20);
    expect(firstOnly.body._links.self.href).toBe(`/companies/${tenant.companyId}/connections/${tenant.connectionId}/data/invoices`);
    const secondOnly = await list(tenant, {}, { connectionId: second.id });
    expect(secondOnly.body.totalResults).toBe(30);

    // Company-wide: by connection, then source id (the sandbox gives both connections the same ids).
    const both = await list(tenant, { pageSize: '100' });
    expect(both.body.totalResults).toBe(50);
    const [a, b] = [tenant.connectionId, second.id].sort();
    const byConnection = { [tenant.connectionId]: ids(firstOnly.body.results), [second.id]: ids(secondOnly.body.results) };
    expect(ids(both.body.results)).toEqual([...byConnection[a!]!, ...byConnection[b!]!]);

    const scoped = await list(tenant, { query: 'totalAmount>500', orderBy: 'totalAmount', pageSize: '100' }, { connectionId: second.id });
    const want = secondOnly.body.results.filter((r) => r.totalAmount > 500).sort((x, y) => x.totalAmount - y.totalAmount);
    expect(scoped.body.results.map((r) => r.totalAmount)).toEqual(want.map((r) => r.totalAmount));
  });
});

describe('409 until the data set has been pulled', () => {
  it('before any pull of the type', async () => {
    for (const connectionId of [undefined, h.tenant.connectionId]) {
      const response = await list(h.tenant, {}, { dataType: 'bills', ...(connectionId && { connectionId }) });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ statusCode: 409, error: 'The data set has not been requested.', canBeRetried: 'False' });
      expect(response.body.correlationId).toEqual(expect.any(String));
    }
  });

  it('when every pull so far has failed, naming the status', async () => {
    const id = randomUUID();
    await h.store.pullOperations.createIfMissing({ id, ...h.tenant, dataType: 'payments', requestedAt: new Date().toISOString() });
    await h.store.pullOperations.fail(id, 'FetchError', 'The source was unreachable');
    const response = await list(h.tenant, {}, { dataType: 'payments' });
    expect(response.status).toBe(409);
    expect(response.body.error).toBe('The data set has not been synced successfully: its latest pull operation ended with status FetchError.');
  });

  it('while the first pull runs; afterwards, even while a later pull runs, the records are served', async () => {
    // Three pages, a second each.
    const slow = await h.addTenant({ recordsPerDataType: 30, pageSize: 10, latencyMs: 1000 });
    const first = await queue(slow, 'invoices');
    const syncing = await list(slow);
    expect(syncing.status).toBe(409);
    expect(syncing.body.error).toBe('The data set is still syncing.');
    expect((await untilEnded(slow, first.body.id)).body.status).toBe('Complete');
    expect((await list(slow)).body.totalResults).toBe(30);

    const second = await queue(slow, 'invoices');
    expect(second.body.id).not.toBe(first.body.id);
    const during = await list(slow, {}, { connectionId: slow.connectionId });
    expect(during.status).toBe(200);
    expect(during.body.totalResults).toBe(30);
    const pullNow = await h.request<PullOperation>('GET', `/companies/${slow.companyId}/data/history/${second.body.id}`, { apiKey: slow.apiKey });
    expect(['Queued', 'Fetching']).toContain(pullNow.body.status);
    expect((await untilEnded(slow, second.body.id)).body.status).toBe('Complete');
  });
});
