// Test-only workflows: publish() called from workflow code, as the refresh workflows call it, bundled by
// test/webhooks.test.ts for a worker of its own.
import type { PublishEventResult, PublishRequest } from '../../src/domain/events.js';
import { publish } from '../../workflows/events.js';

export { deliverWebhook } from '../../workflows/deliver-webhook.js';

export async function publishForTest(request: PublishRequest): Promise<PublishEventResult | undefined> {
  return publish(request);
}
