import { type DataType, IN_PROGRESS_STATUSES, type PullStatus, type UnsuccessfulEndStatus } from '../domain/index.js';
import { sql } from 'kysely';
import type { QueryableResource } from '../query/index.js';
import type { Db } from './database.js';
import { type Listing, listPage } from './listing.js';
import { flagUnseenAsDeleted, type PageRecord, type PageWriteCounts, type RecordScope, writePage } from './record-writes.js';
import type { DataStatusRow, PullMode, PullOperationRow } from './schema.js';

export interface NewPullOperation {
  id: string;
  clientId: string;
  companyId: string;
  connectionId: string;
  dataType: DataType;
  requestedAt: string;
}

export interface CommittedPage {
  records: readonly PageRecord[];
  /** Cursor after this page; null when the source has no more pages. */
  checkpoint: string | null;
  /** Pages committed before this one, as the committing attempt saw it: a compare-and-set guard. */
  pagesBefore: number;
  /** The latest source modified date among this page's records. */
  highWaterMark: string | null;
  /** 0-99 once the pull can tell how far it is; null leaves it as it is. */
  progress: number | null;
}

/** What a pull reads: everything (and then flags what it did not see), or what changed since a point in time. */
export interface PullPlan {
  mode: PullMode;
  modifiedSince: string | null;
  recordsEstimate: number | null;
}

/** Another attempt of the same pull committed a page first: this attempt's view of the checkpoint is stale. */
export class CheckpointConflictError extends Error {
  override name = 'CheckpointConflictError';
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

  /** The company's pulls still queued or running. */
  async inProgressOf(companyId: string): Promise<PullOperationRow[]> {
    return this.db.selectFrom('pull_operations').selectAll().where('company_id', '=', companyId).where('status', 'in', IN_PROGRESS_STATUSES).execute();
  }

  /** For activities, which act on the id their workflow was started with. */
  async getById(id: string): Promise<PullOperationRow | undefined> {
    return this.db.selectFrom('pull_operations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Moves a queued pull to Fetching with its plan; a no-op for a pull that has started already. */
  async markFetching(id: string, plan: PullPlan): Promise<void> {
    await this.db
      .updateTable('pull_operations')
      .set({
        status: 'Fetching',
        mode: plan.mode,
        modified_since: plan.modifiedSince,
        records_estimate: plan.recordsEstimate,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .where('status', 'in', ['Initial', 'Queued'])
      .execute();
  }

  /** The latest pull of a scope that completed, if any: where the next incremental pull starts. */
  async lastSuccessful(scope: RecordScope): Promise<PullOperationRow | undefined> {
    return this.db
      .selectFrom('data_status')
      .innerJoin('pull_operations', 'pull_operations.id', 'data_status.latest_successful_sync_id')
      .selectAll('pull_operations')
      .where('data_status.company_id', '=', scope.companyId)
      .where('data_status.connection_id', '=', scope.connectionId)
      .where('data_status.data_type', '=', scope.dataType)
      .executeTakeFirst();
  }

  /**
   * Writes one page of records and moves the checkpoint past it, atomically, with the pull's counts and
   * progress. Throws CheckpointConflictError, writing nothing, if another attempt has moved the checkpoint.
   */
  async commitPage(pull: PullOperationRow, page: CommittedPage): Promise<PageWriteCounts> {
    const now = new Date().toISOString();
    const scope = { companyId: pull.company_id, connectionId: pull.connection_id, dataType: pull.data_type };
    return this.db.transaction().execute(async (trx) => {
      // The checkpoint first: a write as the first statement takes SQLite's write lock up front (a read first
      // could not be upgraded while another writer commits), and a stale attempt stops before writing records.
      const moved = await trx
        .updateTable('pull_operations')
        .set((eb) => ({
          checkpoint: page.checkpoint,
          pages_committed: eb('pages_committed', '+', 1),
          progress: page.progress ?? eb.ref('progress'),
          high_water_mark:
            page.highWaterMark === null
              ? eb.ref('high_water_mark')
              : sql<string>`case when high_water_mark is null or high_water_mark < ${page.highWaterMark} then ${page.highWaterMark} else high_water_mark end`,
          updated_at: now,
        }))
        .where('id', '=', pull.id)
        .where('pages_committed', '=', page.pagesBefore)
        .where('status', 'in', IN_PROGRESS_STATUSES)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) {
        throw new CheckpointConflictError(`Pull ${pull.id} moved past page ${page.pagesBefore} in another attempt, or has ended`);
      }
      const counts = await writePage(trx, scope, pull.id, page.records, now);
      await trx
        .updateTable('pull_operations')
        .set((eb) => ({
          records_fetched: eb('records_fetched', '+', counts.created + counts.updated + counts.unchanged),
          records_created: eb('records_created', '+', counts.created),
          records_updated: eb('records_updated', '+', counts.updated),
        }))
        .where('id', '=', pull.id)
        .execute();
      return counts;
    });
  }

  /** Says what a running pull is doing right now (waiting for a slot, say); null clears it. */
  async describe(id: string, statusDescription: string | null): Promise<void> {
    await this.db.updateTable('pull_operations').set({ status_description: statusDescription }).where('id', '=', id).execute();
  }

  /**
   * Completes a pull: a full pull first flags what it did not see as deleted. Idempotent, so a retried
   * completion neither flags twice nor overwrites the counts.
   */
  async complete(id: string): Promise<PullOperationRow> {
    const now = new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const op = await trx.selectFrom('pull_operations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      if (op.status === 'Complete') return op;
      const scope = { companyId: op.company_id, connectionId: op.connection_id, dataType: op.data_type };
      const deleted = op.mode === 'full' ? await flagUnseenAsDeleted(trx, scope, id, now) : 0;
      const completed = await trx
        .updateTable('pull_operations')
        .set((eb) => ({
          status: 'Complete',
          progress: 100,
          completed_at: now,
          updated_at: now,
          status_description: null,
          records_deleted: deleted,
          // An incremental pull that found nothing new leaves the next one where it started.
          high_water_mark: eb.fn.coalesce('high_water_mark', 'modified_since'),
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('data_status')
        .set({ latest_successful_sync_id: id, last_successful_sync: now })
        .where('company_id', '=', op.company_id)
        .where('connection_id', '=', op.connection_id)
        .where('data_type', '=', op.data_type)
        .execute();
      await trx.updateTable('connections').set({ last_sync: now }).where('id', '=', op.connection_id).execute();
      return completed;
    });
  }

  /** Ends a pull unsuccessfully. An AuthError also marks its connection Deauthorized: the user must re-link. */
  async fail(id: string, status: UnsuccessfulEndStatus, errorMessage: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const op = await trx
        .updateTable('pull_operations')
        .set({ status, error_message: errorMessage, status_description: null, completed_at: now, updated_at: now })
        .where('id', '=', id)
        .returning('connection_id')
        .executeTakeFirst();
      if (op && status === 'AuthError') {
        await trx.updateTable('connections').set({ status: 'Deauthorized' }).where('id', '=', op.connection_id).execute();
      }
    });
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
