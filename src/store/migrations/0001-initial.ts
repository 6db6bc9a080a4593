import type { Kysely, Migration } from 'kysely';

// Written against Kysely's schema builder only, so the same migration creates the schema in SQLite and PostgreSQL.
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('clients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('companies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('companies_by_client').on('companies').columns(['client_id', 'created_at']).execute();

    await db.schema
      .createTable('connections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
      .addColumn('platform_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('parameters', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_sync', 'text')
      .execute();
    await db.schema.createIndex('connections_by_company').on('connections').columns(['company_id', 'created_at']).execute();

    await db.schema
      .createTable('pull_operations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('data_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_description', 'text')
      .addColumn('error_message', 'text')
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('records_fetched', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('pages_committed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('checkpoint', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('pull_operations_by_company')
      .on('pull_operations')
      .columns(['company_id', 'requested_at'])
      .execute();

    await db.schema
      .createTable('data_status')
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('data_type', 'text', (c) => c.notNull())
      .addColumn('latest_sync_id', 'text', (c) => c.notNull())
      .addColumn('latest_successful_sync_id', 'text')
      .addColumn('last_successful_sync', 'text')
      .addPrimaryKeyConstraint('data_status_pk', ['company_id', 'connection_id', 'data_type'])
      .execute();

    await db.schema
      .createTable('records')
      .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('data_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('source_modified_date', 'text')
      .addColumn('pull_operation_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('records_pk', ['company_id', 'connection_id', 'data_type', 'source_id'])
      .execute();
  },
};
