// All-in-one: the embedded default for one machine. Starts a Temporal dev server (unless TEMPORAL_ADDRESS
// points at one), then a worker and the API in this process, and seeds a demo tenant to try them with.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { createConnectorRegistry } from '../connectors/registry.js';
import { ensureDemoTenant } from '../demo/seed.js';
import { createLogger, installTemporalLogger } from '../logging/logger.js';
import { startApiServer } from '../runtime/api-server.js';
import { runUntilSignal } from '../runtime/shutdown.js';
import { ScheduleService } from '../services/schedule-service.js';
import { startWorker } from '../runtime/worker.js';
import { openStore, redactDatabaseUrl } from '../store/index.js';
import { connectClient } from '../temporal/connection.js';
import { type DevServer, startDevServer } from '../temporal/dev-server.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
installTemporalLogger(logger);

await runUntilSignal(logger, async (onStop) => {
  await mkdir(config.dataDir, { recursive: true });

  let devServer: DevServer | undefined;
  if (!config.temporal.address) {
    logger.info('starting the Temporal dev server');
    devServer = await startDevServer({
      dbFile: join(config.dataDir, 'temporal.sqlite'),
      pidFile: join(config.dataDir, 'temporal.pid'),
      port: config.temporal.devServer.port,
      uiPort: config.temporal.devServer.uiPort,
      namespace: config.temporal.namespace,
      cliPath: config.temporal.devServer.cliPath,
      logger,
    });
    onStop(() => devServer!.stop());
  }
  const temporalTarget = { address: config.temporal.address ?? devServer!.address, namespace: config.temporal.namespace };

  const store = await openStore(config.databaseUrl);
  onStop(() => store.close());
  const connectors = createConnectorRegistry();
  const demo = await ensureDemoTenant(store, config.dataDir);

  logger.info('starting the worker (bundling workflows takes a few seconds)');
  const worker = await startWorker({
    temporal: temporalTarget,
    taskQueue: config.temporal.taskQueue,
    store,
    connectors,
    webhooks: config.webhooks,
    ...(config.temporal.workflowBundlePath && { workflowBundlePath: config.temporal.workflowBundlePath }),
  });
  onStop(() => worker.stop());

  const temporal = await connectClient(temporalTarget);
  onStop(() => temporal.connection.close());
  const api = await startApiServer({ config, store, temporal, connectors, logger });
  onStop(() => api.close());
  // The demo company's schedules as its sync settings make them (every start brings them up to date), so that
  // the Web UI's Schedules page has one to show.
  if (config.schedulesEnabled) {
    await new ScheduleService({ store, temporal, taskQueue: config.temporal.taskQueue, pullOptions: config.pull }).syncCompany(demo.clientId, demo.companyId);
  }

  const auth = Buffer.from(demo.apiKey).toString('base64');
  console.log(`
Sluice is running.
  API          ${api.url}
  Temporal UI  ${devServer?.uiUrl ?? `(external Temporal at ${temporalTarget.address})`}
  Database     ${redactDatabaseUrl(config.databaseUrl)}

Refresh the demo company's invoices:
  curl -s -X POST -H 'Authorization: Basic ${auth}' \\
    ${api.url}/companies/${demo.companyId}/data/queue/invoices

Then follow it (put the returned id in place of DATASET_ID), or see its data status:
  curl -s -H 'Authorization: Basic ${auth}' ${api.url}/companies/${demo.companyId}/data/history/DATASET_ID
  curl -s -H 'Authorization: Basic ${auth}' ${api.url}/companies/${demo.companyId}/dataStatus

Press Ctrl-C to stop.
`);
  return worker.done;
});
