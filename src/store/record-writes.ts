import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DataType } from '../domain/index.js';
import type { Database, NewRecord } from './schema.js';

/** Writes a page of records inside the caller's transaction: insert, or replace by (company, connection, type, id). */
export type RecordUpsert = (trx: Transaction<Database>, rows: readonly NewRecord[]) => Promise<void>;

/** Where a page's records belong. */
export interface RecordScope {
  companyId: string;
  connectionId: string;
  dataType: DataType;
}

/** One record of a page, as the pull engine hands it to the store. */
export interface PageRecord {
  sourceId: string;
  /** Serialised JSON. */
  data: string;
  /** Normalised ISO-8601 UTC, or null when the source gives none. */
  sourceModifiedDate: string | null;
}

/** What a page did to the store. Their sum is the page's distinct records. */
export interface PageWriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Rows in key order. Two transactions that upsert overlapping pages (a retried activity racing a stale one)
 * then lock rows in the same order, so PostgreSQL never sees a deadlock.
 */
function inKeyOrder<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// 500 rows x 12 columns stays well below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
const ROWS_PER_STATEMENT = 500;

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) yield rows.slice(start, start + ROWS_PER_STATEMENT);
}

/**
 * Multi-row INSERT … ON CONFLICT, a few hundred rows per statement, inside the caller's page transaction. The
 * fastest form measured on both stores (BENCHMARKS.md: it also beat PostgreSQL's `unnest` form), so both use it.
 */
export const upsertRecords: RecordUpsert = async (trx, rows) => {
  for (const chunk of chunks(inKeyOrder(rows, (row) => row.source_id))) {
    await trx
      .insertInto('records')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['company_id', 'connection_id', 'data_type', 'source_id']).doUpdateSet((eb) => ({
          data: eb.ref('excluded.data'),
          data_hash: eb.ref('excluded.data_hash'),
          source_modified_date: eb.ref('excluded.source_modified_date'),
          pull_operation_id: eb.ref('excluded.pull_operation_id'),
          updated_at: eb.ref('excluded.updated_at'),
          is_deleted: 0,
          deleted_at: null,
        })),
      )
      .execute();
  }
};

export const hashRecordData = (data: string): string => createHash('sha1').update(data).digest('base64url');

/**
 * Writes one page: new records are inserted, changed ones (or ones flagged deleted that came back) replaced,
 * and unchanged ones only stamped with this pull, which a full pull needs to tell what it saw. A page that is
 * written twice (a replay after a crash) therefore changes nothing the second time, `updated_at` included.
 */
export async function writePage(
  trx: Transaction<Database>,
  scope: RecordScope,
  pullOperationId: string,
  records: readonly PageRecord[],
  now: string,
): Promise<PageWriteCounts> {
  const inScope = trx
    .selectFrom('records')
    .where('company_id', '=', scope.companyId)
    .where('connection_id', '=', scope.connectionId)
    .where('data_type', '=', scope.dataType);
  const stored = new Map<string, { data_hash: string | null; is_deleted: number }>();
  for (const chunk of chunks(records)) {
    const rows = await inScope
      .select(['source_id', 'data_hash', 'is_deleted'])
      .where(
        'source_id',
        'in',
        chunk.map((r) => r.sourceId),
      )
      .execute();
    for (const row of rows) stored.set(row.source_id, row);
  }

  const counts: PageWriteCounts = { created: 0, updated: 0, unchanged: 0 };
  const writes: NewRecord[] = [];
  const unchanged: string[] = [];
  for (const record of records) {
    const hash = hashRecordData(record.data);
    const existing = stored.get(record.sourceId);
    if (existing && existing.data_hash === hash && Number(existing.is_deleted) === 0) {
      counts.unchanged += 1;
      unchanged.push(record.sourceId);
      continue;
    }
    counts[existing ? 'updated' : 'created'] += 1;
    writes.push({
      company_id: scope.companyId,
      connection_id: scope.connectionId,
      data_type: scope.dataType,
      source_id: record.sourceId,
      data: record.data,
      data_hash: hash,
      source_modified_date: record.sourceModifiedDate,
      pull_operation_id: pullOperationId,
      created_at: now,
      updated_at: now,
    });
  }
  await upsertRecords(trx, writes);
  for (const chunk of chunks(inKeyOrder(unchanged, (id) => id))) {
    await trx
      .updateTable('records')
      .set({ pull_operation_id: pullOperationId })
      .where('company_id', '=', scope.companyId)
      .where('connection_id', '=', scope.connectionId)
      .where('data_type', '=', scope.dataType)
      .where('source_id', 'in', chunk)
      .execute();
  }
  return counts;
}

/**
 * Flags the records of a scope that the given full pull did not see as deleted; returns how many. Run only
 * when that pull has read the whole source, or a failed pull would "delete" everything after its last page.
 */
export async function flagUnseenAsDeleted(trx: Transaction<Database>, scope: RecordScope, pullOperationId: string, now: string): Promise<number> {
  const result = await trx
    .updateTable('records')
    .set({ is_deleted: 1, deleted_at: now, updated_at: now })
    .where('company_id', '=', scope.companyId)
    .where('connection_id', '=', scope.connectionId)
    .where('data_type', '=', scope.dataType)
    .where('is_deleted', '=', 0)
    .where('pull_operation_id', '<>', pullOperationId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
