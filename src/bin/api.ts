// The API process alone, for deployments that scale API instances and workers separately.
import { loadConfig } from '../config/index.js';
import { createConnectorRegistry } from '../connectors/registry.js';
import { createLogger } from '../logging/logger.js';
import { startApiServer } from '../runtime/api-server.js';
import { runUntilSignal } from '../runtime/shutdown.js';
import { openStore } from '../store/index.js';
import { connectClient } from '../temporal/connection.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'sluice-api');

await runUntilSignal(logger, async (onStop) => {
  const store = await openStore(config.databaseUrl);
  onStop(() => store.close());
  const temporal = await connectClient({ address: config.temporal.address ?? 'localhost:7233', namespace: config.temporal.namespace });
  onStop(() => temporal.connection.close());
  const api = await startApiServer({ config, store, temporal, connectors: createConnectorRegistry(), logger });
  onStop(() => api.close());
  logger.info({ url: api.url }, 'API listening');
  return new Promise<never>(() => {});
});
