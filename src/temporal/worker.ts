import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { type ActivityDeps, createActivities, UpstreamErrorInterceptor } from '../../activities/index.js';

// .ts when run from source (tsx, Vitest), .js when run from the build.
const ownExtension = extname(fileURLToPath(import.meta.url));
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../../workflows/index${ownExtension}`, import.meta.url));

export interface RefreshWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A bundle built by `npm run build` (production) or once per test run; otherwise bundled at start. */
  workflowBundlePath?: string;
  identity?: string;
  tuning?: Partial<Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxCachedWorkflows'>>;
}

/** A worker that runs every Sluice workflow and activity on one task queue. */
export function createRefreshWorker(options: RefreshWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(options.deps),
    interceptors: { activity: [() => ({ inbound: new UpstreamErrorInterceptor() })] },
    // Heartbeats carry cancellation back to activities: a cancelled pull learns of it within seconds, not
    // the default 80% of its heartbeat timeout.
    maxHeartbeatThrottleInterval: '3 seconds',
    ...(options.identity && { identity: options.identity }),
    ...options.tuning,
  });
}
