import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { WebhookConsumerRow, WebhookDeliveryAttemptRow, WebhookDeliveryRow, WebhookEventRow } from './schema.js';

export interface NewWebhookConsumer {
  clientId: string;
  url: string;
  eventTypes: readonly string[];
  secret: string;
}

export interface NewWebhookEvent {
  id: string;
  clientId: string;
  type: string;
  /** The event as it will be delivered (JSON). */
  payload: string;
  createdAt: string;
}

/** A delivery with what listing it shows: its event's type and every attempt so far. */
export interface ListedDelivery extends WebhookDeliveryRow {
  event_type: string;
  attempt_log: WebhookDeliveryAttemptRow[];
}

/** What an attempt at a delivery needs: the delivery, its consumer and its event. */
export interface DeliveryToAttempt {
  delivery: WebhookDeliveryRow;
  consumer: WebhookConsumerRow;
  event: WebhookEventRow;
}

export interface AttemptRecord {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** What the delivery becomes: delivered, still pending (with when the next attempt is due), or failed. */
  outcome: { status: 'delivered' } | { status: 'pending'; nextAttemptAt: string | null } | { status: 'failed' };
}

export function eventTypesOf(consumer: Pick<WebhookConsumerRow, 'event_types'>): string[] {
  return JSON.parse(consumer.event_types) as string[];
}

/** Webhook consumers, the events published to a client, their deliveries and every attempt. */
export class WebhookStore {
  constructor(private readonly db: Db) {}

  async createConsumer(consumer: NewWebhookConsumer): Promise<WebhookConsumerRow> {
    const row: WebhookConsumerRow = {
      id: randomUUID(),
      client_id: consumer.clientId,
      url: consumer.url,
      event_types: JSON.stringify([...new Set(consumer.eventTypes)]),
      secret: consumer.secret,
      disabled: 0,
      disabled_reason: null,
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('webhook_consumers').values(row).execute();
    return row;
  }

  async listConsumers(clientId: string, page: { offset: number; limit: number }): Promise<{ rows: WebhookConsumerRow[]; total: number }> {
    const scoped = this.db.selectFrom('webhook_consumers').where('client_id', '=', clientId);
    const [{ total }, rows] = await Promise.all([
      scoped.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
      scoped.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(page.offset).limit(page.limit).execute(),
    ]);
    return { rows, total: Number(total) };
  }

  async getConsumer(clientId: string, consumerId: string): Promise<WebhookConsumerRow | undefined> {
    return this.db.selectFrom('webhook_consumers').selectAll().where('client_id', '=', clientId).where('id', '=', consumerId).executeTakeFirst();
  }

  /** Deletes the consumer with its deliveries; the events stay. */
  async deleteConsumer(clientId: string, consumerId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_consumers').where('client_id', '=', clientId).where('id', '=', consumerId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async disableConsumer(consumerId: string, reason: string): Promise<void> {
    await this.db.updateTable('webhook_consumers').set({ disabled: 1, disabled_reason: reason }).where('id', '=', consumerId).execute();
  }

  /**
   * Stores the event and one pending delivery per enabled consumer of its client subscribed to its type, in one
   * transaction, and returns the deliveries' ids. Idempotent by event id: publishing an event that is already
   * stored adds nothing and returns the deliveries made the first time.
   */
  async publish(event: NewWebhookEvent): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('webhook_events').select('id').where('id', '=', event.id).executeTakeFirst();
      if (!existing) {
        await trx
          .insertInto('webhook_events')
          .values({ id: event.id, client_id: event.clientId, type: event.type, payload: event.payload, created_at: event.createdAt })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        const consumers = await trx
          .selectFrom('webhook_consumers')
          .select(['id', 'event_types'])
          .where('client_id', '=', event.clientId)
          .where('disabled', '=', 0)
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        const now = new Date().toISOString();
        const deliveries = consumers
          .filter((consumer) => eventTypesOf(consumer).includes(event.type))
          .map((consumer) => ({
            id: randomUUID(),
            event_id: event.id,
            consumer_id: consumer.id,
            status: 'pending' as const,
            created_at: now,
            updated_at: now,
          }));
        if (deliveries.length > 0) {
          await trx
            .insertInto('webhook_deliveries')
            .values(deliveries)
            .onConflict((oc) => oc.columns(['event_id', 'consumer_id']).doNothing())
            .execute();
        }
      }
      const rows = await trx.selectFrom('webhook_deliveries').select('id').where('event_id', '=', event.id).orderBy('created_at').orderBy('id').execute();
      return rows.map((row) => row.id);
    });
  }

  async getEvent(eventId: string): Promise<WebhookEventRow | undefined> {
    return this.db.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
  }

  /** The delivery with its consumer and event; undefined once its consumer (and so the delivery) was deleted. */
  async forAttempt(deliveryId: string): Promise<DeliveryToAttempt | undefined> {
    const delivery = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst();
    if (!delivery) return undefined;
    const [consumer, event] = await Promise.all([
      this.db.selectFrom('webhook_consumers').selectAll().where('id', '=', delivery.consumer_id).executeTakeFirst(),
      this.getEvent(delivery.event_id),
    ]);
    return consumer && event ? { delivery, consumer, event } : undefined;
  }

  /** Records one attempt (numbered after the delivery's previous ones) and what the delivery became. */
  async recordAttempt(deliveryId: string, attempt: AttemptRecord): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { outcome } = attempt;
      await trx
        .updateTable('webhook_deliveries')
        .set({
          attempts: sql`attempts + 1`,
          status: outcome.status,
          next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
          last_status_code: attempt.statusCode,
          last_error: attempt.error,
          ...(outcome.status === 'delivered' && { delivered_at: attempt.at }),
          updated_at: attempt.at,
        })
        .where('id', '=', deliveryId)
        .execute();
      const row = await trx.selectFrom('webhook_deliveries').select('attempts').where('id', '=', deliveryId).executeTakeFirst();
      if (!row) return 0;
      const number = Number(row.attempts);
      await trx
        .insertInto('webhook_delivery_attempts')
        .values({ delivery_id: deliveryId, attempt: number, at: attempt.at, status_code: attempt.statusCode, error: attempt.error, duration_ms: attempt.durationMs })
        .execute();
      return number;
    });
  }

  /** Ends a delivery that is still pending as failed (its attempts are spent, or it cannot be attempted). */
  async markFailed(deliveryId: string, error: string | null): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', next_attempt_at: null, updated_at: new Date().toISOString(), ...(error !== null && { last_error: error }) })
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Makes a failed delivery pending again, for a retry; false unless it was failed. */
  async markPendingAgain(deliveryId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: null, updated_at: new Date().toISOString() })
      .where('id', '=', deliveryId)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A delivery to one of the client's consumers; another client's does not exist. */
  async getClientDelivery(clientId: string, deliveryId: string): Promise<ListedDelivery | undefined> {
    const row = await this.deliveries(clientId).where('webhook_deliveries.id', '=', deliveryId).executeTakeFirst();
    if (!row) return undefined;
    const [listed] = await this.withAttempts([row]);
    return listed;
  }

  /** A consumer's deliveries, newest first, each with its event's type and its attempts. */
  async listDeliveries(clientId: string, consumerId: string, page: { offset: number; limit: number }): Promise<{ rows: ListedDelivery[]; total: number }> {
    const scoped = this.deliveries(clientId).where('webhook_deliveries.consumer_id', '=', consumerId);
    const [{ total }, rows] = await Promise.all([
      this.db
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_consumers', 'webhook_consumers.id', 'webhook_deliveries.consumer_id')
        .where('webhook_consumers.client_id', '=', clientId)
        .where('webhook_deliveries.consumer_id', '=', consumerId)
        .select((eb) => eb.fn.countAll<number | string>().as('total'))
        .executeTakeFirstOrThrow(),
      scoped.orderBy('webhook_deliveries.created_at', 'desc').orderBy('webhook_deliveries.id').offset(page.offset).limit(page.limit).execute(),
    ]);
    return { rows: await this.withAttempts(rows), total: Number(total) };
  }

  private deliveries(clientId: string) {
    return this.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_consumers', 'webhook_consumers.id', 'webhook_deliveries.consumer_id')
      .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
      .selectAll('webhook_deliveries')
      .select('webhook_events.type as event_type')
      .where('webhook_consumers.client_id', '=', clientId);
  }

  private async withAttempts<T extends WebhookDeliveryRow>(rows: T[]): Promise<(T & { attempt_log: WebhookDeliveryAttemptRow[] })[]> {
    if (rows.length === 0) return [];
    const attempts = await this.db
      .selectFrom('webhook_delivery_attempts')
      .selectAll()
      .where('delivery_id', 'in', rows.map((row) => row.id))
      .orderBy('delivery_id')
      .orderBy('attempt')
      .execute();
    return rows.map((row) => ({ ...row, attempt_log: attempts.filter((a) => a.delivery_id === row.id) }));
  }
}
