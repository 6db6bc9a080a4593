import type { Worker } from '@temporalio/worker';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { WebhookRetryOptions } from '../domain/events.js';
import type { Store } from '../store/index.js';
import { connectClient, connectWorker, type TemporalTarget } from '../temporal/connection.js';
import { createRefreshWorker } from '../temporal/worker.js';

export interface WorkerDeps {
  temporal: TemporalTarget;
  taskQueue: string;
  store: Store;
  connectors: ConnectorRegistry;
  /** How webhook deliveries are retried (WEBHOOK_* settings); defaults otherwise. */
  webhooks?: Partial<WebhookRetryOptions>;
  workflowBundlePath?: string;
  /** How this worker names itself in workflow histories; defaults to pid@host. */
  identity?: string;
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker has stopped; rejects if it stopped because of an error. */
  done: Promise<void>;
  /** Stops polling, lets running tasks finish, then closes the connection. */
  stop(): Promise<void>;
}

/** Connects a worker and starts it polling. */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const connection = await connectWorker(deps.temporal);
  // Company and connection refreshes start data-type refreshes from activities, through a client of their own.
  const client = await connectClient(deps.temporal);
  const worker = await createRefreshWorker({
    connection,
    namespace: deps.temporal.namespace,
    taskQueue: deps.taskQueue,
    deps: { store: deps.store, connectors: deps.connectors, webhooks: deps.webhooks, temporal: { client, taskQueue: deps.taskQueue } },
    ...(deps.workflowBundlePath && { workflowBundlePath: deps.workflowBundlePath }),
    ...(deps.identity && { identity: deps.identity }),
  });
  const done = worker.run().finally(async () => {
    await client.connection.close();
    await connection.close();
  });
  return {
    worker,
    done,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
