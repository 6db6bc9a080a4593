// A worker process alone: run as many as the load needs, against one Temporal cluster and one database.
import { loadConfig } from '../config/index.js';
import { createConnectorRegistry } from '../connectors/registry.js';
import { createLogger, installTemporalLogger } from '../logging/logger.js';
import { runUntilSignal } from '../runtime/shutdown.js';
import { startWorker } from '../runtime/worker.js';
import { openStore } from '../store/index.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'sluice-worker');
installTemporalLogger(logger);

await runUntilSignal(logger, async (onStop) => {
  const store = await openStore(config.databaseUrl);
  onStop(() => store.close());
  const worker = await startWorker({
    temporal: { address: config.temporal.address ?? 'localhost:7233', namespace: config.temporal.namespace },
    taskQueue: config.temporal.taskQueue,
    store,
    connectors: createConnectorRegistry(),
    webhooks: config.webhooks,
    ...(config.temporal.workflowBundlePath && { workflowBundlePath: config.temporal.workflowBundlePath }),
  });
  onStop(() => worker.stop());
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker polling');
  return worker.done;
});
