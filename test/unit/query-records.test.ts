// Codat's query language and orderBy over stored records, run on the store this run tests (SQLite, or
// PostgreSQL with SLUICE_TEST_STORE=postgres): both must give the same answers for the same documents,
// including awkward ones (numbers held as strings, absent and null values, arrays, mixed types).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, parseOrderTerm, parseQuery, QueryError } from '../../src/query/index.js';
import { createClientWithApiKey } from '../../src/services/api-keys.js';
import { openStore, type Store } from '../../src/store/index.js';
import { recordFields, type RecordReadScope } from '../../src/store/records.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

const DOCUMENTS: Record<string, Record<string, unknown>> = {
  r1: { totalAmount: 100, currency: 'GBP', customerRef: { id: 'cus-1' }, issueDate: '2026-01-01T00:00:00', status: 'Paid', nominalCode: '1200', isBank: true, note: '50% off_x' },
  r2: { totalAmount: 250.5, currency: 'USD', customerRef: { id: 'cus-2' }, issueDate: '2026-01-02T10:00:00Z', status: 'Draft', nominalCode: 1200, isBank: false },
  r3: { totalAmount: '999', currency: 'gbp', customerRef: { id: 'cus-1', name: 'Acme' }, issueDate: '2025-12-31', isBank: 'true', lines: [{ amount: 1 }] },
  r4: { totalAmount: null, issueDate: 'not a date', status: 5, customerRef: 'cus-1' },
  r5: {},
};

let database: TestDatabase;
let store: Store;
let scope: RecordReadScope;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openStore(database.url);
  const { client } = await createClientWithApiKey(store, 'query records');
  const company = await store.companies.createCompany(client.id, 'Query Records');
  const connection = await store.companies.createConnection(company, 'sandbox', {});
  scope = { clientId: client.id, companyId: company.id, dataType: 'invoices' };
  let day = 0;
  for (const [id, data] of Object.entries(DOCUMENTS)) {
    day++;
    await store.db
      .insertInto('records')
      .values({
        company_id: company.id,
        connection_id: connection.id,
        data_type: 'invoices',
        source_id: id,
        data: JSON.stringify({ id, ...data }),
        source_modified_date: id === 'r5' ? null : `2024-01-0${day}T12:00:00.000Z`,
        pull_operation_id: 'p',
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: `2024-02-0${day}T08:00:00.000Z`,
        is_deleted: id === 'r2' ? 1 : 0,
      })
      .execute();
  }
  // Another client's identical records must never show.
  const other = await createClientWithApiKey(store, 'other');
  const otherCompany = await store.companies.createCompany(other.client.id, 'Other');
  const otherConnection = await store.companies.createConnection(otherCompany, 'sandbox', {});
  await store.db
    .insertInto('records')
    .values({
      company_id: otherCompany.id,
      connection_id: otherConnection.id,
      data_type: 'invoices',
      source_id: 'r1',
      data: JSON.stringify(DOCUMENTS.r1),
      source_modified_date: null,
      pull_operation_id: 'p',
      created_at: '2024-01-01T00:00:00.000Z',
      updated_at: '2024-01-01T00:00:00.000Z',
    })
    .execute();
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

async function ids(query?: string, orderBy?: string): Promise<string[]> {
  const resource = recordFields(store.dialect);
  const { rows, total } = await store.records.list(scope, {
    filter: query === undefined ? undefined : compileQuery(resource, parseQuery(query)),
    order: orderBy === undefined ? undefined : parseOrderTerm(resource, orderBy),
    offset: 0,
    limit: 100,
  });
  expect(total).toBe(rows.length);
  return rows.map((row) => row.source_id);
}

describe(`records queried on the ${process.env.SLUICE_TEST_STORE ?? 'sqlite'} store`, () => {
  it.each([
    // Numbers: numeric comparison with JSON numbers; = and != also meet strings of that text.
    ['totalAmount>200', ['r2']],
    ['totalAmount>=100', ['r1', 'r2']],
    ['totalAmount=250.5', ['r2']],
    ['totalAmount=999', ['r3']],
    ['totalAmount!=100', ['r2', 'r3']],
    ['nominalCode=1200', ['r1', 'r2']],
    ['status=5', ['r4']],
    ['totalAmount<-1', []],
    // Strings: exact, case-sensitive; ~ contains, ignoring case, with % and _ literal.
    ['currency=GBP', ['r1']],
    ['currency!=GBP', ['r2', 'r3']],
    ['currency~gbp', ['r1', 'r3']],
    ['note~50%', ['r1']],
    ['note~f_x', ['r1']],
    ['note~f%x', []],
    ['totalAmount~99', ['r3']],
    // Nested properties; not into arrays, not through strings.
    ['customerRef.id=cus-1', ['r1', 'r3']],
    ['customerRef.name~acme', ['r3']],
    ['lines.amount=1', []],
    // Dates: a whole day of any string that starts with YYYY-MM-DD, with or without a time or zone.
    ['issueDate=2026-01-01', ['r1']],
    ['issueDate>2025-12-31', ['r1', 'r2']],
    ['issueDate>=2026-01-02', ['r2']],
    ['issueDate<2026-01-01', ['r3']],
    ['issueDate<=2026-01-01', ['r1', 'r3']],
    ['issueDate!=2026-01-01', ['r2', 'r3']],
    // Booleans: JSON booleans, and strings of that text.
    ['isBank=true', ['r1', 'r3']],
    ['isBank=false', ['r2']],
    ['isBank!=true', ['r2']],
    // Sluice's own fields.
    ['id=r4', ['r4']],
    ['id~R', ['r1', 'r2', 'r3', 'r4', 'r5']],
    ['metadata.isDeleted=true', ['r2']],
    ['metadata.isDeleted!=true', ['r1', 'r3', 'r4', 'r5']],
    ['metadata.isDeleted=false', ['r1', 'r3', 'r4', 'r5']],
    ['modifiedDate>2024-02-03', ['r4', 'r5']],
    ['modifiedDate=2024-02-01', ['r1']],
    ['sourceModifiedDate<2024-01-03', ['r1', 'r2']],
    ['sourceModifiedDate>2024-01-01T13:00:00Z', ['r2', 'r3', 'r4']],
    // Junctions.
    ['{currency=GBP||currency=USD}&&totalAmount>150', ['r2']],
    ['customerRef.id=cus-1&&metadata.isDeleted!=true&&totalAmount=999', ['r3']],
    ['missing=x||absent.too>3', []],
  ])('%s', async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it.each([
    [undefined, ['r1', 'r2', 'r3', 'r4', 'r5']],
    // Numbers, then strings, then booleans, then nothing (null, absent); ties by source id.
    ['totalAmount', ['r1', 'r2', 'r3', 'r4', 'r5']],
    ['-totalAmount', ['r4', 'r5', 'r3', 'r2', 'r1']],
    ['issueDate', ['r3', 'r1', 'r2', 'r4', 'r5']],
    ['-issueDate', ['r5', 'r4', 'r2', 'r1', 'r3']],
    ['status', ['r4', 'r2', 'r1', 'r3', 'r5']],
    ['isBank', ['r3', 'r2', 'r1', 'r4', 'r5']],
    ['customerRef.id', ['r1', 'r3', 'r2', 'r4', 'r5']],
    ['-modifiedDate', ['r5', 'r4', 'r3', 'r2', 'r1']],
    ['sourceModifiedDate', ['r1', 'r2', 'r3', 'r4', 'r5']],
    ['-sourceModifiedDate', ['r5', 'r4', 'r3', 'r2', 'r1']],
    ['-metadata.isDeleted', ['r2', 'r1', 'r3', 'r4', 'r5']],
  ])('orderBy %s', async (orderBy, expected) => {
    expect(await ids(undefined, orderBy)).toEqual(expected);
  });

  it('pages in order without overlap', async () => {
    const resource = recordFields(store.dialect);
    const order = parseOrderTerm(resource, '-totalAmount');
    const pages = [];
    for (let offset = 0; offset < 5; offset += 2) pages.push(...(await store.records.list(scope, { order, offset, limit: 2 })).rows.map((r) => r.source_id));
    expect(pages).toEqual(['r4', 'r5', 'r3', 'r2', 'r1']);
  });

  it('gives no records of a company to another client', async () => {
    const stranger = await createClientWithApiKey(store, 'stranger');
    expect((await store.records.list({ ...scope, clientId: stranger.client.id }, { offset: 0, limit: 10 })).total).toBe(0);
  });

  it('refuses range operators on strings with a 400-ready error', () => {
    expect(() => compileQuery(recordFields(store.dialect), parseQuery('status>Paid'))).toThrow(QueryError);
  });
});
