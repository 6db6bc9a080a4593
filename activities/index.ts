import { createPullActivities } from './pull.js';
import { createFanOutActivities, type FanOutDeps } from './refresh-fan-out.js';
import { createWebhookActivities, type WebhookActivityDeps } from './webhooks.js';

export { UpstreamErrorInterceptor } from './upstream-errors.js';

export type ActivityDeps = FanOutDeps & WebhookActivityDeps;

/** Every activity a Sluice worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createPullActivities(deps), ...createFanOutActivities(deps), ...createWebhookActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
