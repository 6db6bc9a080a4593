// Deterministic workflow code: no I/O, no clocks, no randomness. Activities are imported as types only.
import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { DEFAULT_WEBHOOK_RETRY, type DeliverWebhookInput, type DeliverWebhookResult, type WebhookRetryOptions } from '../src/domain/events.js';

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Delivers one webhook delivery: its attempts are one activity retried by Temporal with exponential backoff,
 * each attempt recorded in the store. Ends delivered, or fails once the attempts are spent (or the receiver
 * answered 410 Gone), with the delivery marked failed.
 */
export async function deliverWebhook(input: DeliverWebhookInput): Promise<DeliverWebhookResult> {
  const retry: WebhookRetryOptions = { ...DEFAULT_WEBHOOK_RETRY, ...input.retry };
  const { deliverWebhookAttempt } = proxyActivities<Activities>({
    // The request's own timeout ends an attempt first; this only catches a worker that died mid-attempt.
    startToCloseTimeout: retry.timeoutMs + 30_000,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts,
    },
  });
  try {
    return await deliverWebhookAttempt(input.deliveryId, retry);
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    await bookkeeping.failWebhookDelivery(input.deliveryId, message);
    log.warn('Webhook delivery failed', { deliveryId: input.deliveryId, message });
    // Fail the run so that the Web UI shows it failed; the delivery's attempts say why.
    throw ApplicationFailure.nonRetryable(message, cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined);
  }
}
