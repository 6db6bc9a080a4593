import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  DEFAULT_WEBHOOK_RETRY,
  type DeliverWebhookInput,
  type WebhookEventType,
  type WebhookRetryOptions,
  webhookDeliveryWorkflowId,
} from '../domain/events.js';
import type { ListedDelivery, Store, WebhookConsumerRow } from '../store/index.js';
import { NotFoundError } from './errors.js';

export interface PageRequest {
  page: number;
  pageSize: number;
}

export interface WebhookServiceDeps {
  store: Store;
  temporal: Client;
  taskQueue: string;
  /** How a retried delivery is retried (WEBHOOK_* settings); unset fields take the defaults. */
  retry?: Partial<WebhookRetryOptions> | undefined;
}

export type RetryOutcome = { retried: ListedDelivery } | { conflict: string };

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Webhook consumers and their deliveries, always within one client: another client's do not exist. */
export class WebhookService {
  private readonly retry: WebhookRetryOptions;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.retry = { ...DEFAULT_WEBHOOK_RETRY, ...deps.retry };
  }

  private get store() {
    return this.deps.store;
  }

  createConsumer(clientId: string, url: string, eventTypes: readonly WebhookEventType[]): Promise<WebhookConsumerRow> {
    return this.store.webhooks.createConsumer({ clientId, url, eventTypes, secret: newSigningSecret() });
  }

  listConsumers(clientId: string, { page, pageSize }: PageRequest) {
    return this.store.webhooks.listConsumers(clientId, { offset: (page - 1) * pageSize, limit: pageSize });
  }

  async getConsumer(clientId: string, consumerId: string): Promise<WebhookConsumerRow> {
    const consumer = await this.store.webhooks.getConsumer(clientId, consumerId);
    if (!consumer) throw new NotFoundError(`No webhook consumer was found with ID ${consumerId}`);
    return consumer;
  }

  async deleteConsumer(clientId: string, consumerId: string): Promise<void> {
    if (!(await this.store.webhooks.deleteConsumer(clientId, consumerId))) throw new NotFoundError(`No webhook consumer was found with ID ${consumerId}`);
  }

  async listDeliveries(clientId: string, consumerId: string, { page, pageSize }: PageRequest) {
    await this.getConsumer(clientId, consumerId);
    return this.store.webhooks.listDeliveries(clientId, consumerId, { offset: (page - 1) * pageSize, limit: pageSize });
  }

  /**
   * Delivers a failed delivery again, with a fresh set of attempts (numbered on from the earlier ones). A
   * pending delivery is already being delivered: its workflow is left to it.
   */
  async retryDelivery(clientId: string, deliveryId: string): Promise<RetryOutcome> {
    const delivery = await this.store.webhooks.getClientDelivery(clientId, deliveryId);
    if (!delivery) throw new NotFoundError(`No webhook delivery was found with ID ${deliveryId}`);
    if (delivery.status === 'delivered') return { conflict: `Delivery ${deliveryId} was delivered at ${delivery.delivered_at}; there is nothing to retry` };
    const consumer = await this.store.webhooks.getConsumer(clientId, delivery.consumer_id);
    if (consumer?.disabled) {
      return { conflict: `Webhook consumer ${delivery.consumer_id} is disabled${consumer.disabled_reason ? ` (${consumer.disabled_reason})` : ''}; register it again` };
    }
    await this.store.webhooks.markPendingAgain(deliveryId);
    const input: DeliverWebhookInput = { deliveryId, retry: this.retry };
    await this.deps.temporal.workflow.start('deliverWebhook', {
      taskQueue: this.deps.taskQueue,
      workflowId: webhookDeliveryWorkflowId(deliveryId),
      // A run still going (the delivery was pending) is joined; a closed one is followed by a new run.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      args: [input],
      memo: { clientId },
      staticSummary: `Retry delivery ${deliveryId} of ${delivery.event_type} event ${delivery.event_id}`,
    });
    return { retried: (await this.store.webhooks.getClientDelivery(clientId, deliveryId)) ?? delivery };
  }
}
