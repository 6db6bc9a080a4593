import { Router } from 'express';
import { z } from 'zod';
import type { WebhookService } from '../../services/webhook-service.js';
import type { ListedDelivery, WebhookConsumerRow } from '../../store/index.js';
import { eventTypesOf } from '../../store/webhooks.js';
import {
  CreatedWebhookConsumerSchema,
  CreateWebhookConsumerSchema,
  PageQuerySchema,
  WebhookConsumerSchema,
  WebhookConsumersSchema,
  WebhookDeliveriesSchema,
  WebhookDeliverySchema,
} from '../contract/webhooks.js';
import { bindOperation, defineOperation } from '../contract/operation.js';
import { ApiError } from '../errors.js';
import { pagedResponse } from '../paging.js';

const tags = ['Webhooks'];
const consumerId = z.string().meta({ description: 'Unique identifier of a webhook consumer', format: 'uuid' });
const deliveryId = z.string().meta({ description: 'Unique identifier of a webhook delivery', format: 'uuid' });

export const webhookOperations = {
  createConsumer: defineOperation({
    operationId: 'create-webhook-consumer', summary: 'Create webhook consumer', tags, method: 'post', path: '/webhooks/consumers',
    body: CreateWebhookConsumerSchema,
    success: { status: 200, description: 'The new consumer, with its signing secret (shown only now)', schema: CreatedWebhookConsumerSchema },
    errors: [400],
  }),
  listConsumers: defineOperation({
    operationId: 'list-webhook-consumers', summary: 'List webhook consumers', tags, method: 'get', path: '/webhooks/consumers',
    query: PageQuerySchema,
    success: { status: 200, description: "The client's consumers, newest first", schema: WebhookConsumersSchema },
    errors: [400],
  }),
  getConsumer: defineOperation({
    operationId: 'get-webhook-consumer', summary: 'Get webhook consumer', tags, method: 'get', path: '/webhooks/consumers/{consumerId}',
    params: z.object({ consumerId }),
    success: { status: 200, description: 'The consumer', schema: WebhookConsumerSchema },
    errors: [404],
  }),
  deleteConsumer: defineOperation({
    operationId: 'delete-webhook-consumer', summary: 'Delete webhook consumer', tags, method: 'delete', path: '/webhooks/consumers/{consumerId}',
    params: z.object({ consumerId }),
    success: { status: 204, description: 'Deleted, with its deliveries; nothing more is sent to it' },
    errors: [404],
  }),
  listDeliveries: defineOperation({
    operationId: 'list-webhook-deliveries', summary: 'List webhook deliveries', tags, method: 'get', path: '/webhooks/consumers/{consumerId}/deliveries',
    params: z.object({ consumerId }),
    query: PageQuerySchema,
    success: { status: 200, description: "The consumer's deliveries, newest first, each with its attempts", schema: WebhookDeliveriesSchema },
    errors: [400, 404],
  }),
  retryDelivery: defineOperation({
    operationId: 'retry-webhook-delivery', summary: 'Retry webhook delivery', tags, method: 'post', path: '/webhooks/deliveries/{deliveryId}/retry',
    params: z.object({ deliveryId }),
    success: { status: 202, description: 'The delivery, pending again: a fresh set of attempts has started', schema: WebhookDeliverySchema },
    errors: [404, 409],
  }),
};

export function toWebhookConsumer(row: WebhookConsumerRow): z.input<typeof WebhookConsumerSchema> {
  return {
    id: row.id,
    url: row.url,
    eventTypes: eventTypesOf(row),
    disabled: row.disabled !== 0,
    ...(row.disabled_reason !== null && { disabledReason: row.disabled_reason }),
    created: row.created_at,
  };
}

export function toWebhookDelivery(row: ListedDelivery): z.input<typeof WebhookDeliverySchema> {
  return {
    id: row.id,
    consumerId: row.consumer_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attemptCount: Number(row.attempts),
    ...(row.next_attempt_at !== null && { nextAttempt: row.next_attempt_at }),
    ...(row.last_status_code !== null && { lastStatusCode: Number(row.last_status_code) }),
    ...(row.last_error !== null && { lastError: row.last_error }),
    ...(row.delivered_at !== null && { delivered: row.delivered_at }),
    created: row.created_at,
    attempts: row.attempt_log.map((a) => ({
      attempt: Number(a.attempt),
      timestamp: a.at,
      ...(a.status_code !== null && { statusCode: Number(a.status_code) }),
      ...(a.error !== null && { error: a.error }),
      durationMs: Number(a.duration_ms),
    })),
  };
}

/** Webhook consumers (per client) and the deliveries made to them. */
export function webhookRoutes(webhooks: WebhookService): Router {
  const router = Router();
  const ops = webhookOperations;
  bindOperation(router, ops.createConsumer, async ({ body, clientId }) => {
    const consumer = await webhooks.createConsumer(clientId, body.url, body.eventTypes);
    return { ...toWebhookConsumer(consumer), signingSecret: consumer.secret };
  });
  bindOperation(router, ops.listConsumers, async ({ query, clientId }) => {
    const { rows, total } = await webhooks.listConsumers(clientId, query);
    return pagedResponse('/webhooks/consumers', query, rows.map(toWebhookConsumer), total);
  });
  bindOperation(router, ops.getConsumer, async ({ params, clientId }) => toWebhookConsumer(await webhooks.getConsumer(clientId, params.consumerId)));
  bindOperation(router, ops.deleteConsumer, ({ params, clientId }) => webhooks.deleteConsumer(clientId, params.consumerId));
  bindOperation(router, ops.listDeliveries, async ({ params, query, clientId }) => {
    const { rows, total } = await webhooks.listDeliveries(clientId, params.consumerId, query);
    return pagedResponse(`/webhooks/consumers/${params.consumerId}/deliveries`, query, rows.map(toWebhookDelivery), total);
  });
  bindOperation(router, ops.retryDelivery, async ({ params, clientId }) => {
    const outcome = await webhooks.retryDelivery(clientId, params.deliveryId);
    if ('conflict' in outcome) throw new ApiError(409, outcome.conflict);
    return toWebhookDelivery(outcome.retried);
  });
  return router;
}
