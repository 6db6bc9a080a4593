import type { DataType, PullStatus, UnsuccessfulEndStatus } from '../domain/index.js';
import type { QueryableResource } from '../query/index.js';
import type { Db } from './database.js';
import { type Listing, listPage } from './listing.js';
import { upsertRecords } from './records.js';
import type { DataStatusRow, NewRecord, PullOperationRow } from './schema.js';

export interface NewPullOperation {
  id: string;
  clientId: string;
  companyId: string;
  connectionId: string;
  dataType: DataType;
  requestedAt: string;
}

export interface CommittedPage {
  records: readonly NewRecord[];
  /** Cursor after this page; null when the source has no more pages. */
  checkpoint: string | null;
  progress: number;
}

export interface DataStatusWithCurrent extends DataStatusRow {
  current_status: PullStatus;
  latest_requested_at: string;
}

/** What `query` and `orderBy` may name on pull operations: the PullOperation's own field names. */
export const pullOperationFields: QueryableResource = {
  // Codat's own error messages still say "Dataset" ("Could not resolve property isCompleted on Dataset").
  name: 'Dataset',
  fields: {
    id: { column: 'pull_operations.id', type: 'string' },
    companyId: { column: 'pull_operations.company_id', type: 'string' },
    connectionId: { column: 'pull_operations.connection_id', type: 'string' },
    dataType: { column: 'pull_operations.data_type', type: 'string' },
    status: { column: 'pull_operations.status', type: 'string' },
    statusDescription: { column: 'pull_operations.status_description', type: 'string' },
    errorMessage: { column: 'pull_operations.error_message', type: 'string' },
    requested: { column: 'pull_operations.requested_at', type: 'date' },
    completed: { column: 'pull_operations.completed_at', type: 'date' },
    progress: { column: 'pull_operations.progress', type: 'number' },
  },
};

/**
 * Pull operations (Codat's datasets), the per-connection data status they drive, and the page commits that
 * write records. Each state change is one transaction, so a crash leaves either the old or the new state.
 */
export class PullOperationStore {
  constructor(private readonly db: Db) {}

  /**
   * Records a queued pull unless it exists already. Both the API (right after starting the workflow) and the
   * workflow's first activity call this, so the row exists even if the API process dies in between.
   */
  async createIfMissing(op: NewPullOperation): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('pull_operations')
        .values({
          id: op.id,
          client_id: op.clientId,
          company_id: op.companyId,
          connection_id: op.connectionId,
          data_type: op.dataType,
          status: 'Queued',
          status_description: null,
          error_message: null,
          requested_at: op.requestedAt,
          completed_at: null,
          progress: 0,
          records_fetched: 0,
          pages_committed: 0,
          checkpoint: null,
          updated_at: new Date().toISOString(),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
      await trx
        .insertInto('data_status')
        .values({
          company_id: op.companyId,
          connection_id: op.connectionId,
          data_type: op.dataType,
          latest_sync_id: op.id,
          latest_successful_sync_id: null,
          last_successful_sync: null,
        })
        .onConflict((oc) =>
          oc
            .columns(['company_id', 'connection_id', 'data_type'])
            .doUpdateSet((eb) => ({ latest_sync_id: eb.ref('excluded.latest_sync_id') })),
        )
        .execute();
    });
  }

  async get(clientId: string, companyId: string, id: string): Promise<PullOperationRow | undefined> {
    return this.db
      .selectFrom('pull_operations')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('company_id', '=', companyId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** One page of a company's pull operations, and how many match in all. */
  async list(clientId: string, companyId: string, listing: Listing): Promise<{ rows: PullOperationRow[]; total: number }> {
    const rows = this.db
      .selectFrom('pull_operations')
      .where('pull_operations.client_id', '=', clientId)
      .where('pull_operations.company_id', '=', companyId);
    return listPage(rows, listing, 'pull_operations.id', (q) => q.selectAll());
  }

  /** For activities, which act on the id their workflow was started with. */
  async getById(id: string): Promise<PullOperationRow | undefined> {
    return this.db.selectFrom('pull_operations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async markFetching(id: string): Promise<void> {
    await this.db
      .updateTable('pull_operations')
      .set({ status: 'Fetching', updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', 'in', ['Initial', 'Queued'])
      .execute();
  }

  /** Writes one page of records and moves the checkpoint past it, atomically. */
  async commitPage(id: string, page: CommittedPage): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await upsertRecords(trx, page.records);
      await trx
        .updateTable('pull_operations')
        .set((eb) => ({
          checkpoint: page.checkpoint,
          progress: page.progress,
          records_fetched: eb('records_fetched', '+', page.records.length),
          pages_committed: eb('pages_committed', '+', 1),
          updated_at: new Date().toISOString(),
        }))
        .where('id', '=', id)
        .execute();
    });
  }

  async complete(id: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const op = await trx
        .updateTable('pull_operations')
        .set({ status: 'Complete', progress: 100, completed_at: now, updated_at: now, status_description: null })
        .where('id', '=', id)
        .returning(['company_id', 'connection_id', 'data_type'])
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('data_status')
        .set({ latest_successful_sync_id: id, last_successful_sync: now })
        .where('company_id', '=', op.company_id)
        .where('connection_id', '=', op.connection_id)
        .where('data_type', '=', op.data_type)
        .execute();
      await trx.updateTable('connections').set({ last_sync: now }).where('id', '=', op.connection_id).execute();
    });
  }

  async fail(id: string, status: UnsuccessfulEndStatus, errorMessage: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .updateTable('pull_operations')
      .set({ status, error_message: errorMessage, completed_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** One row per connection and data type the company has ever pulled, with the latest pull's status. */
  async listDataStatus(clientId: string, companyId: string): Promise<DataStatusWithCurrent[]> {
    return this.db
      .selectFrom('data_status')
      .innerJoin('pull_operations', 'pull_operations.id', 'data_status.latest_sync_id')
      .selectAll('data_status')
      .select(['pull_operations.status as current_status', 'pull_operations.requested_at as latest_requested_at'])
      .where('pull_operations.client_id', '=', clientId)
      .where('data_status.company_id', '=', companyId)
      .execute();
  }
}
