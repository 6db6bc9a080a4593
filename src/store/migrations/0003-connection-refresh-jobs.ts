import type { Kysely, Migration } from 'kysely';

// A connection refresh job (the connection refresh API) and the pull operations it started. Its statuses are
// not stored: they are read from its pull operations, so they cannot disagree with them.
export const connectionRefreshJobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('refresh_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('source_parameters', 'text', (c) => c.notNull())
      .addColumn('destination_parameters', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('refresh_job_pulls')
      .addColumn('job_id', 'text', (c) => c.notNull().references('refresh_jobs.id').onDelete('cascade'))
      .addColumn('pull_operation_id', 'text', (c) => c.notNull().references('pull_operations.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('refresh_job_pulls_pk', ['job_id', 'pull_operation_id'])
      .execute();
  },
};
