import { sql, type Transaction } from 'kysely';
import type { DataType } from '../domain/index.js';
import type { Db, Dialect } from './database.js';
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

// SQLite allows 32,766 bound parameters per statement; 500 rows x 9 columns stays well below it.
const SQLITE_ROWS_PER_STATEMENT = 500;

/** SQLite: multi-row INSERT … ON CONFLICT, a few hundred rows per statement. */
const sqliteUpsert: RecordUpsert = async (trx, rows) => {
  const sorted = inKeyOrder(rows);
  for (let start = 0; start < sorted.length; start += SQLITE_ROWS_PER_STATEMENT) {
    await trx
      .insertInto('records')
      .values(sorted.slice(start, start + SQLITE_ROWS_PER_STATEMENT))
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

/**
 * PostgreSQL: the whole page in one statement, one array parameter per column expanded by `unnest`. The
 * statement text is the same for every page size, so the server parses and plans it once per connection, and
 * no page is too large for the 65,535-parameter limit.
 */
const postgresUpsert: RecordUpsert = async (trx, rows) => {
  if (rows.length === 0) return;
  const sorted = inKeyOrder(rows);
  const column = (name: keyof NewRecord) => sorted.map((row) => row[name] ?? null);
  await sql`
    insert into records (company_id, connection_id, data_type, source_id, data, source_modified_date, pull_operation_id, created_at, updated_at)
    select * from unnest(
      ${column('company_id')}::text[], ${column('connection_id')}::text[], ${column('data_type')}::text[],
      ${column('source_id')}::text[], ${column('data')}::text[], ${column('source_modified_date')}::text[],
      ${column('pull_operation_id')}::text[], ${column('created_at')}::text[], ${column('updated_at')}::text[])
    on conflict (company_id, connection_id, data_type, source_id) do update set
      data = excluded.data,
      source_modified_date = excluded.source_modified_date,
      pull_operation_id = excluded.pull_operation_id,
      updated_at = excluded.updated_at
  `.execute(trx);
};

export function recordUpsertFor(dialect: Dialect): RecordUpsert {
  return dialect === 'postgres' ? postgresUpsert : sqliteUpsert;
}

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
