import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import {
  DEFAULT_WEBHOOK_RETRY,
  type DeliverWebhookResult,
  type PublishEventInput,
  type PublishEventResult,
  type ReadCompletedData,
  type RefreshCompletedData,
  type RefreshOutcomeData,
  retryDelayMs,
  type WebhookEvent,
  type WebhookRetryOptions,
} from '../src/domain/events.js';
import type { PullOperationRow, Store } from '../src/store/index.js';

export interface WebhookActivityDeps {
  store: Store;
  /** How deliveries are retried and timed out (WEBHOOK_* settings); unset fields take the defaults. */
  webhooks?: Partial<WebhookRetryOptions> | undefined;
}

/** Failure types the delivery workflow reads: the first is retried by Temporal, the others are not. */
export const WEBHOOK_FAILURE = {
  attemptFailed: 'WebhookAttemptFailed',
  gone: 'WebhookConsumerGone',
  disabled: 'WebhookConsumerDisabled',
} as const;

const USER_AGENT = 'Sluice-Webhooks/0.1';
// Enough of a receiver's error answer to say what went wrong, not so much that a page of HTML fills the store.
const ERROR_BODY_CHARS = 200;

function countsOf(pull: PullOperationRow) {
  const counts = {
    fetched: Number(pull.records_fetched),
    created: Number(pull.records_created),
    updated: Number(pull.records_updated),
    deleted: Number(pull.records_deleted),
  };
  return { counts, recordsModified: counts.created + counts.updated + counts.deleted > 0 };
}

/** Why a request got no answer, in words a user can act on. */
function describeRequestError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `The receiver did not answer within ${timeoutMs / 1000} s`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `Could not reach the receiver: ${detail}`;
}

/**
 * Webhook side effects: storing an event with its deliveries, and one signed POST of a delivery. Both are
 * idempotent, so Temporal may retry either.
 */
export function createWebhookActivities({ store, webhooks = {} }: WebhookActivityDeps) {
  const configured: WebhookRetryOptions = { ...DEFAULT_WEBHOOK_RETRY, ...webhooks };

  async function buildEvent(input: PublishEventInput): Promise<WebhookEvent> {
    const timestamp = new Date().toISOString();
    if (input.type === 'read.completed') {
      const pull = await store.pullOperations.getById(input.datasetId);
      if (!pull) throw ApplicationFailure.nonRetryable(`Pull operation ${input.datasetId} does not exist`, 'InternalError');
      const data: ReadCompletedData = {
        companyId: pull.company_id,
        connectionId: pull.connection_id,
        dataType: pull.data_type,
        datasetId: pull.id,
        status: pull.status,
        ...countsOf(pull),
        ...(pull.error_message !== null && { errorMessage: pull.error_message }),
      };
      return { id: input.eventId, type: input.type, timestamp, clientId: input.clientId, data };
    }
    const { result } = input;
    const outcomes: RefreshOutcomeData[] = [];
    for (const outcome of result.outcomes) {
      const pull = outcome.pullOperationId ? await store.pullOperations.getById(outcome.pullOperationId) : undefined;
      const errorMessage = pull?.error_message ?? outcome.errorMessage;
      outcomes.push({
        connectionId: outcome.connectionId,
        dataType: outcome.dataType,
        datasetId: outcome.pullOperationId,
        status: pull?.status ?? outcome.status,
        ...(pull ? countsOf(pull) : { counts: { fetched: outcome.recordsFetched, created: 0, updated: 0, deleted: 0 }, recordsModified: false }),
        ...(errorMessage != null && { errorMessage }),
      });
    }
    const data: RefreshCompletedData = {
      companyId: result.companyId,
      ...(result.connectionId !== undefined && { connectionId: result.connectionId }),
      ...(result.jobId !== undefined && { jobId: result.jobId }),
      summary: result.summary,
      recordsModified: outcomes.some((o) => o.recordsModified),
      outcomes,
    };
    return { id: input.eventId, type: input.type, timestamp, clientId: input.clientId, data };
  }

  return {
    /**
     * Stores the event (its data read from the store: counts, statuses, messages) and one pending delivery per
     * enabled consumer of the client subscribed to its type. A retry with the same event id adds nothing.
     */
    async publishEvent(input: PublishEventInput): Promise<PublishEventResult> {
      const stored = await store.webhooks.getEvent(input.eventId);
      const deliveryIds = stored
        ? await store.webhooks.publish({ id: stored.id, clientId: stored.client_id, type: stored.type, payload: stored.payload, createdAt: stored.created_at })
        : await buildEvent(input).then((event) =>
            store.webhooks.publish({ id: event.id, clientId: event.clientId, type: event.type, payload: JSON.stringify(event), createdAt: event.timestamp }),
          );
      return { eventId: input.eventId, deliveryIds, retry: configured };
    },

    /**
     * One attempt at a delivery: POSTs the event, signed with the Standard Webhooks headers, and records the
     * attempt. A 2xx delivers it; 410 Gone disables the consumer and fails it for good; anything else throws so
     * that Temporal tries again after its backoff, and the last attempt fails the delivery.
     */
    async deliverWebhookAttempt(deliveryId: string, retry: WebhookRetryOptions): Promise<DeliverWebhookResult> {
      const target = await store.webhooks.forAttempt(deliveryId);
      if (!target) {
        // The consumer was deleted, and its deliveries with it.
        log.info('Webhook delivery no longer exists', { deliveryId });
        return { deliveryId, status: 'failed', attempts: 0 };
      }
      const { delivery, consumer, event } = target;
      if (delivery.status === 'delivered') return { deliveryId, status: 'delivered', attempts: Number(delivery.attempts) };
      if (consumer.disabled) {
        const message = `The consumer is disabled${consumer.disabled_reason ? `: ${consumer.disabled_reason}` : ''}`;
        await store.webhooks.markFailed(deliveryId, message);
        throw ApplicationFailure.nonRetryable(message, WEBHOOK_FAILURE.disabled);
      }

      const context = Context.current();
      const sentAt = new Date();
      const signature = new Webhook(consumer.secret).sign(event.id, sentAt, event.payload);
      const started = performance.now();
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(consumer.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'webhook-id': event.id,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': signature,
          },
          body: event.payload,
          // A redirect is an answer like any other non-2xx: the signed request goes only where it was registered.
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(retry.timeoutMs), context.cancellationSignal]),
        });
        statusCode = response.status;
        const body = await response.text().catch(() => '');
        if (!response.ok) {
          const excerpt = body.trim().slice(0, ERROR_BODY_CHARS);
          error = `The receiver answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`;
        }
      } catch (caught) {
        error = describeRequestError(caught, retry.timeoutMs);
      }
      const durationMs = Math.round(performance.now() - started);
      const at = new Date().toISOString();

      if (error === null) {
        const attempts = await store.webhooks.recordAttempt(deliveryId, { at, statusCode, error, durationMs, outcome: { status: 'delivered' } });
        return { deliveryId, status: 'delivered', attempts };
      }
      if (statusCode === 410) {
        await store.webhooks.recordAttempt(deliveryId, { at, statusCode, error, durationMs, outcome: { status: 'failed' } });
        await store.webhooks.disableConsumer(consumer.id, `The receiver answered 410 Gone at ${at}`);
        throw ApplicationFailure.nonRetryable(`${error}; the consumer is disabled`, WEBHOOK_FAILURE.gone);
      }
      const attempt = context.info.attempt;
      const last = attempt >= retry.maximumAttempts;
      const outcome = last
        ? ({ status: 'failed' } as const)
        : ({ status: 'pending', nextAttemptAt: new Date(Date.now() + retryDelayMs(retry, attempt)).toISOString() } as const);
      const number = await store.webhooks.recordAttempt(deliveryId, { at, statusCode, error, durationMs, outcome });
      throw ApplicationFailure.create({
        type: WEBHOOK_FAILURE.attemptFailed,
        message: `Attempt ${number} failed: ${error}`,
        nonRetryable: last,
      });
    },

    /** Fails a delivery still pending once the workflow gives up on it (e.g. its last attempt timed out). */
    async failWebhookDelivery(deliveryId: string, error: string): Promise<void> {
      await store.webhooks.markFailed(deliveryId, error);
    },
  };
}
