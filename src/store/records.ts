import type { Transaction } from 'kysely';
import type { DataType } from '../domain/index.js';
import type { Db } from './database.js';
import type { Database, NewRecord } from './schema.js';

// SQLite allows 32,766 bound parameters per statement; 500 rows x 9 columns stays far below it.
const ROWS_PER_STATEMENT = 500;

/** Inserts or replaces records by (company, connection, data type, source id): replaying a page changes nothing. */
export async function upsertRecords(trx: Transaction<Database>, rows: readonly NewRecord[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await trx
      .insertInto('records')
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
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
