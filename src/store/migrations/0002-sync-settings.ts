import type { Kysely, Migration } from 'kysely';

// Sync settings as Codat models them: one list per client (the defaults for its companies) and, optionally, one
// per company that overrides them. Each list is stored whole, as validated JSON: it is always read and written
// whole, and its entries are only meaningful together (syncOrder).
export const syncSettings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('client_sync_settings')
      .addColumn('client_id', 'text', (c) => c.primaryKey().references('clients.id').onDelete('cascade'))
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('company_sync_settings')
      .addColumn('company_id', 'text', (c) => c.primaryKey().references('companies.id').onDelete('cascade'))
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
