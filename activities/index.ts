import { createPullActivities, type PullActivityDeps } from './pull.js';

export { UpstreamErrorInterceptor } from './upstream-errors.js';

export type ActivityDeps = PullActivityDeps;

/** Every activity a Sluice worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createPullActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
