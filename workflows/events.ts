// Publishing webhook events from workflow code. Deterministic: the event id comes from uuid4(), which replays
// identically, so a retried or replayed publish stores nothing twice.
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  log,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  uuid4,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { type PublishEventResult, type PublishRequest, webhookDeliveryWorkflowId } from '../src/domain/events.js';
import { deliverWebhook } from './deliver-webhook.js';

// Quick store writes; bounded, so that a store outage cannot hold a refresh open forever.
const publishing = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/**
 * Publishes a webhook event: stores it with one delivery per subscribed consumer of the client, and starts one
 * `deliverWebhook` child per delivery, abandoned, so that delivering never delays or fails the caller. Never
 * throws: an event that cannot be stored is logged and dropped, not allowed to fail a refresh. Safe to call
 * in a cancelled workflow.
 *
 *   await publish({ type: 'read.completed', clientId, datasetId: pullOperationId });
 *   await publish({ type: 'company.refresh.completed', clientId, result });
 */
export async function publish(request: PublishRequest): Promise<PublishEventResult | undefined> {
  const eventId = uuid4();
  return CancellationScope.nonCancellable(async () => {
    let published: PublishEventResult;
    try {
      published = await publishing.publishEvent({ ...request, eventId });
    } catch (error) {
      log.error('Could not publish a webhook event', { type: request.type, eventId, error: String(error) });
      return undefined;
    }
    for (const deliveryId of published.deliveryIds) {
      try {
        await startChild(deliverWebhook, {
          workflowId: webhookDeliveryWorkflowId(deliveryId),
          args: [{ deliveryId, retry: published.retry }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          cancellationType: ChildWorkflowCancellationType.ABANDON,
          memo: { clientId: request.clientId },
          staticSummary: `Deliver ${request.type} event ${eventId} (delivery ${deliveryId})`,
        });
      } catch (error) {
        // Already being delivered: nothing to do.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
    return published;
  });
}
