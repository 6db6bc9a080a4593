import type { Transaction } from 'kysely';
import type { DataType } from '../domain/index.js';
import type { Db } from './database.js';
import type { Database, NewRecord } from './schema.js';

/** Writes a page of records inside the caller's transaction: insert, or replace by (company, connection, type, id). */
export type RecordUpsert = (trx: Transaction<Database>, rows: readonly NewRecord[]) => Promise<void>;


/**
 * Rows in key order. Two transactions that upsert overlapping pages (a retried activity racing a stale one)
 * then lock rows in the same order, so PostgreSQL never sees a deadlock.
 */
function inKeyOrder(rows: readonly NewRecord[]): NewRecord[] {
  return [...rows].sort((a, b) => (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : 0));
}

// 500 rows x 9 columns stays well below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
const ROWS_PER_STATEMENT = 500;

/**
 * Multi-row INSERT … ON CONFLICT, a few hundred rows per statement, inside the caller's page transaction. The
 * fastest form measured on both stores (BENCHMARKS.md: it also beat PostgreSQL's `unnest` form), so both use it.
 */
export const upsertRecords: RecordUpsert = async (trx, rows) => {
  const sorted = inKeyOrder(rows);
  for (let start = 0; start < sorted.length; start += ROWS_PER_STATEMENT) {
    await trx
      .insertInto('records')
      .values(sorted.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.columns(['company_id', 'connection_id', 'data_type', 'source_id']).doUpdateSet((eb) => ({
          data: eb.ref('excluded.data'),
          source_modified_date: eb.ref('excluded.source_modified_date'),
          pull_operation_id: eb.ref('excluded.pull_operation_id'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
};

export class RecordStore {
  constructor(private readonly db: Db) {}

  async count(companyId: string, connectionId: string, dataType: DataType): Promise<number> {
    const { n } = await this.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('company_id', '=', companyId)
      .where('connection_id', '=', connectionId)
      .where('data_type', '=', dataType)
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
