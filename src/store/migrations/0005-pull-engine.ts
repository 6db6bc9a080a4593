import type { Kysely, Migration } from 'kysely';

// The pull engine: incremental and full pulls with deletion flags, record counts, upstream caps.
export const pullEngine: Migration = {
  async up(db: Kysely<unknown>) {
    // 0/1 rather than boolean, so that both stores read the same values.
    await db.schema.alterTable('records').addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('records').addColumn('deleted_at', 'text').execute();
    await db.schema.alterTable('records').addColumn('data_hash', 'text').execute();

    for (const column of ['records_created', 'records_updated', 'records_deleted']) {
      await db.schema.alterTable('pull_operations').addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)).execute();
    }
    await db.schema.alterTable('pull_operations').addColumn('mode', 'text', (c) => c.notNull().defaultTo('full')).execute();
    await db.schema.alterTable('pull_operations').addColumn('modified_since', 'text').execute();
    await db.schema.alterTable('pull_operations').addColumn('high_water_mark', 'text').execute();
    await db.schema.alterTable('pull_operations').addColumn('records_estimate', 'integer').execute();

    // Fixed-window request counters keyed by bucket (`client:{id}` for the API); windows are pruned as they
    // pass, so no foreign key is needed.
    await db.schema.dropTable('rate_limit_windows').execute();
    await db.schema
      .createTable('request_windows')
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('requests', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('request_windows_pk', ['bucket', 'window_start'])
      .execute();

    // When a connection's next request may go out: requests to a source are spaced evenly across workers.
    await db.schema
      .createTable('request_pacing')
      .addColumn('bucket', 'text', (c) => c.primaryKey())
      .addColumn('next_at_ms', 'bigint', (c) => c.notNull())
      .execute();

    // Leases on a connection's pull slots; a lease a crashed worker left behind lapses at expires_at.
    await db.schema
      .createTable('pull_slots')
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('pull_operation_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pull_slots_pk', ['connection_id', 'slot'])
      .execute();
  },
};
