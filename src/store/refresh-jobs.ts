import type { Db } from './database.js';
import type { PullOperationRow, RefreshJobRow } from './schema.js';

/** Connection refresh jobs and the pull operations each one started. */
export class RefreshJobStore {
  constructor(private readonly db: Db) {}

  async create(job: RefreshJobRow, pullOperationIds: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('refresh_jobs').values(job).execute();
      if (pullOperationIds.length > 0) {
        await trx
          .insertInto('refresh_job_pulls')
          .values(pullOperationIds.map((pull_operation_id) => ({ job_id: job.id, pull_operation_id })))
          .execute();
      }
    });
  }

  /** Links a pull the job's workflow started or joined; linking twice is a no-op. */
  async addPull(jobId: string, pullOperationId: string): Promise<void> {
    await this.db
      .insertInto('refresh_job_pulls')
      .values({ job_id: jobId, pull_operation_id: pullOperationId })
      .onConflict((oc) => oc.columns(['job_id', 'pull_operation_id']).doNothing())
      .execute();
  }

  async get(clientId: string, jobId: string): Promise<RefreshJobRow | undefined> {
    return this.db.selectFrom('refresh_jobs').selectAll().where('client_id', '=', clientId).where('id', '=', jobId).executeTakeFirst();
  }

  async pullsOf(jobId: string): Promise<PullOperationRow[]> {
    return this.db
      .selectFrom('refresh_job_pulls')
      .innerJoin('pull_operations', 'pull_operations.id', 'refresh_job_pulls.pull_operation_id')
      .selectAll('pull_operations')
      .where('refresh_job_pulls.job_id', '=', jobId)
      .orderBy('pull_operations.data_type')
      .execute();
  }

  /** The parameters the connection's latest job asked for, for `usePrevious…Parameters`. */
  async latestFor(clientId: string, connectionId: string): Promise<RefreshJobRow | undefined> {
    return this.db
      .selectFrom('refresh_jobs')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('connection_id', '=', connectionId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
