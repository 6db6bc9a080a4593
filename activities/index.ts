import { createPullActivities, type PullActivityDeps } from './pull.js';
import { createWebhookActivities, type WebhookActivityDeps } from './webhooks.js';

export { UpstreamErrorInterceptor } from './upstream-errors.js';

export type ActivityDeps = PullActivityDeps & WebhookActivityDeps;

/** Every activity a Sluice worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createPullActivities(deps), ...createWebhookActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
