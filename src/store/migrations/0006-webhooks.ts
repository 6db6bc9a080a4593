import type { Kysely, Migration } from 'kysely';

// Webhooks: a client's consumers, the events published to it, one delivery per event and consumer, and every
// attempt at a delivery.
export const webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_consumers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      // JSON array of event types.
      .addColumn('event_types', 'text', (c) => c.notNull())
      // `whsec_` + base64 key: kept as given, since every delivery is signed with it.
      .addColumn('secret', 'text', (c) => c.notNull())
      // 0/1 rather than boolean, so that both stores read the same values.
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('disabled_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_consumers_client').on('webhook_consumers').columns(['client_id', 'created_at']).execute();

    await db.schema
      .createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      // The whole event as delivered (JSON): the bytes every attempt sends.
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id').onDelete('cascade'))
      .addColumn('consumer_id', 'text', (c) => c.notNull().references('webhook_consumers.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      // One delivery per event and consumer: a retried publish finds it instead of adding another.
      .addUniqueConstraint('webhook_deliveries_event_consumer', ['event_id', 'consumer_id'])
      .execute();
    await db.schema.createIndex('webhook_deliveries_consumer').on('webhook_deliveries').columns(['consumer_id', 'created_at']).execute();

    await db.schema
      .createTable('webhook_delivery_attempts')
      .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_delivery_attempts_pk', ['delivery_id', 'attempt'])
      .execute();
  },
};
