import type { Kysely, Migration } from 'kysely';

// Which Temporal Schedules a company has. Temporal holds the schedules themselves; this registry is what makes
// their upkeep exact: when settings change, the schedules no longer wanted are known without a (lagging)
// visibility query, and deleting a company deletes every one of them. A schedule is registered before it is
// created and forgotten only after it is deleted, so a crash in between leaves nothing untracked.
export const schedules: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('company_schedules')
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
      .addColumn('schedule_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('company_schedules_pk', ['company_id', 'schedule_id'])
      .execute();
  },
};
