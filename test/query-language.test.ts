// GET /companies/{companyId}/data/history with Codat's query language, on the store this run tests. Generated
// queries must give exactly what a plain in-memory filter gives over the same rows; arbitrary text must give a
// 200 or a 400, never a 5xx; and no query reaches another client's rows.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMessage } from '../src/api/errors.js';
import type { PullOperation } from '../src/api/wire.js';
import { PULL_STATUSES } from '../src/domain/index.js';
import { formatQuery, type Operator, type QueryNode } from '../src/query/index.js';
import type { PullOperationRow } from '../src/store/index.js';
import { type Harness, startHarness, type Tenant } from './support/harness.js';

interface PullOperations {
  results: PullOperation[];
  pageNumber: number;
  pageSize: number;
  totalResults: number;
  _links: Record<string, { href: string }>;
}

let h: Harness;
let tenant: Tenant;
let other: Tenant;
let rows: PullOperation[];

const STRING_VALUES = ['invoices', 'bills', 'Complete', 'FetchError', 'Ledger closed', 'ledger', '50%', 'a_b', 'x!y', 'Paused until'];
const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05'];

beforeAll(async () => {
  h = await startHarness();
  tenant = await h.addTenant();
  other = await h.addTenant();
  // Pull operations with varied fields, written straight to the store (running workflows is not the point here).
  const random = fc.sample(
    fc.record({
      dataType: fc.constantFrom('invoices', 'bills', 'customers'),
      status: fc.constantFrom(...PULL_STATUSES),
      statusDescription: fc.option(fc.constantFrom('Paused until 2024-01-09', 'Ledger closed for 50% of a_b', 'x!y'), { nil: null }),
      errorMessage: fc.option(fc.constantFrom('Ledger closed', 'LEDGER CLOSED', 'timeout'), { nil: null }),
      requested: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 0, 5, 23, 59) }),
      completedAfter: fc.option(fc.integer({ min: 0, max: 3 * 86_400_000 }), { nil: null }),
      progress: fc.integer({ min: 0, max: 100 }),
    }),
    { numRuns: 60, seed: 42 },
  );
  for (const [owner, values] of [...random.map((v) => [tenant, v] as const), [other, random[0]!] as const]) {
    const requested = new Date(values.requested).toISOString();
    const row: PullOperationRow = {
      id: randomUUID(),
      client_id: owner.clientId,
      company_id: owner.companyId,
      connection_id: owner.connectionId,
      data_type: values.dataType,
      status: values.status,
      status_description: values.statusDescription,
      error_message: values.errorMessage,
      requested_at: requested,
      completed_at: values.completedAfter === null ? null : new Date(values.requested + values.completedAfter).toISOString(),
      progress: values.progress,
      records_fetched: 0,
      pages_committed: 0,
      checkpoint: null,
      updated_at: requested,
      ...{ records_created: 0, records_updated: 0, records_deleted: 0, mode: 'full', modified_since: null, high_water_mark: null, records_estimate: null },
    };
    await h.store.db.insertInto('pull_operations').values(row).execute();
  }
  rows = (await history(tenant, { pageSize: '5000' })).body.results;
  expect(rows).toHaveLength(60);
});

afterAll(async () => {
  await h?.close();
});

function history(who: Tenant, params: Record<string, string>) {
  return h.request<PullOperations & ErrorMessage>('GET', `/companies/${who.companyId}/data/history?${new URLSearchParams(params)}`, { apiKey: who.apiKey });
}

// The oracle: Codat's semantics written plainly over the API's own JSON, independent of the SQL compiler.
const FIELD_TYPES = {
  id: 'string', companyId: 'string', connectionId: 'string', dataType: 'string', status: 'string',
  statusDescription: 'string', errorMessage: 'string', requested: 'date', completed: 'date', progress: 'number',
} as const;
type Field = keyof typeof FIELD_TYPES;

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function holds(row: PullOperation, node: QueryNode): boolean {
  if (node.kind !== 'comparison') return node.kind === 'and' ? node.operands.every((n) => holds(row, n)) : node.operands.some((n) => holds(row, n));
  const actual = (row as unknown as Record<string, string | number | undefined>)[node.property];
  if (actual === undefined || actual === null) return false; // null fields cannot be queried
  const type = FIELD_TYPES[node.property as Field];
  const op: Operator = node.operator;
  if (type === 'number') {
    const [a, b] = [Number(actual), Number(node.value)];
    return { '=': a === b, '!=': a !== b, '>': a > b, '<': a < b, '>=': a >= b, '<=': a <= b, '~': false }[op];
  }
  if (type === 'date') {
    const [start, end] = [node.value, nextDay(node.value)];
    const a = String(actual);
    return { '=': a >= start && a < end, '!=': a < start || a >= end, '>': a >= end, '>=': a >= start, '<': a < start, '<=': a < end, '~': false }[op];
  }
  const a = String(actual);
  return { '=': a === node.value, '!=': a !== node.value, '~': a.toLowerCase().includes(node.value.toLowerCase()), '>': false, '<': false, '>=': false, '<=': false }[op];
}

const comparison: fc.Arbitrary<QueryNode> = fc.oneof(
  fc.record({
    kind: fc.constant('comparison' as const),
    property: fc.constantFrom('dataType', 'status', 'statusDescription', 'errorMessage'),
    operator: fc.constantFrom<Operator>('=', '!=', '~'),
    value: fc.constantFrom(...STRING_VALUES, ...PULL_STATUSES),
  }),
  fc.record({
    kind: fc.constant('comparison' as const),
    property: fc.constant('progress'),
    operator: fc.constantFrom<Operator>('=', '!=', '>', '<', '>=', '<='),
    value: fc.integer({ min: -1, max: 101 }).map(String),
  }),
  fc.record({
    kind: fc.constant('comparison' as const),
    property: fc.constantFrom('requested', 'completed'),
    operator: fc.constantFrom<Operator>('=', '!=', '>', '<', '>=', '<='),
    value: fc.constantFrom(...DAYS),
  }),
);
const query: fc.Arbitrary<QueryNode> = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    comparison,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), operands: fc.array(tie('node'), { minLength: 2, maxLength: 3 }) }),
  ),
})).node;

describe('GET /companies/{companyId}/data/history', () => {
  it('pages with Codat’s envelope and links', async () => {
    const res = await history(tenant, { page: '2', pageSize: '25', orderBy: 'progress' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pageNumber: 2, pageSize: 25, totalResults: 60 });
    expect(res.body.results).toHaveLength(25);
    const base = `/companies/${tenant.companyId}/data/history`;
    expect(res.body._links).toEqual({
      self: { href: base },
      current: { href: `${base}?page=2&pageSize=25&orderBy=progress` },
      next: { href: `${base}?page=3&pageSize=25&orderBy=progress` },
      previous: { href: `${base}?page=1&pageSize=25&orderBy=progress` },
    });
    const last = await history(tenant, { page: '3', pageSize: '25' });
    expect(last.body.results).toHaveLength(10);
    expect(last.body._links.next).toBeUndefined();
  });

  it('orders by a property, descending with a leading -, newest first by default', async () => {
    const byProgress = (await history(tenant, { pageSize: '100', orderBy: '-progress' })).body.results.map((r) => r.progress);
    expect(byProgress).toEqual([...byProgress].sort((a, b) => b - a));
    const byDefault = (await history(tenant, { pageSize: '100' })).body.results.map((r) => r.requested);
    expect(byDefault).toEqual([...byDefault].sort().reverse());
    expect((await history(tenant, { orderBy: 'isCompleted' })).status).toBe(400);
  });

  it('filters exactly as Codat’s semantics say, for any query', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (node) => {
        const res = await history(tenant, { query: formatQuery(node), pageSize: '5000' });
        expect(res.status, res.body.error).toBe(200);
        const expected = rows.filter((row) => holds(row, node)).map((r) => r.id).sort();
        expect(res.body.results.map((r) => r.id).sort()).toEqual(expected);
        expect(res.body.totalResults).toBe(expected.length);
      }),
      { numRuns: 150 },
    );
  });

  it('answers any text with 200 or a Codat 400, never a 5xx', async () => {
    const alphabet = fc.constantFrom(...'status progress requested = != ~ > < >= <= && || { } . 2024-01-01 Complete % _ \' " ; -- ) ('.split(' '));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 40 }), fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join(''))), async (text) => {
        const res = await history(tenant, { query: text });
        expect([200, 400], `${text} -> ${res.status} ${res.body.error}`).toContain(res.status);
        if (res.status === 400) expect(res.body.error).toMatch(/^Error parsing query - /);
      }),
      { numRuns: 200 },
    );
  });

  it('names the property it cannot resolve, in Codat’s words', async () => {
    const res = await history(tenant, { query: 'isCompleted=true' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, service: 'PullApi', error: 'Error parsing query - Could not resolve property isCompleted on Dataset' });
    expect((await history(tenant, { query: 'progress~5' })).body.error).toContain('Operator ~ cannot be used with progress');
    expect((await history(tenant, { query: 'requested>yesterday' })).body.error).toContain('YYYY-MM-DD');
    expect((await history(tenant, { query: 'requested>2024-02-30' })).status).toBe(400);
  });

  it('validates paging', async () => {
    for (const params of [{ page: '0' }, { pageSize: '5001' }, { pageSize: 'ten' }, { page: '-1' }] as Record<string, string>[]) {
      expect((await history(tenant, params)).status, JSON.stringify(params)).toBe(400);
    }
  });

  it('never returns another client’s pull operations', async () => {
    const theirs = (await history(other, {})).body.results;
    expect(theirs).toHaveLength(1);
    const leak = await history(tenant, { query: `companyId=${other.companyId}||id=${theirs[0]!.id}` });
    expect(leak.body.results).toEqual([]);
    expect((await history(tenant, {})).body.results.every((r) => r.companyId === tenant.companyId)).toBe(true);
    // And another client's company does not exist for this key.
    expect((await h.request('GET', `/companies/${other.companyId}/data/history`, { apiKey: tenant.apiKey })).status).toBe(404);
  });
});
