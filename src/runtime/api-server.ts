import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { createApp } from '../api/app.js';
import type { Config } from '../config/index.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { CompanyService } from '../services/company-service.js';
import { ConnectionRefreshService } from '../services/connection-refresh-service.js';
import { RefreshService } from '../services/refresh-service.js';
import { ScheduleService } from '../services/schedule-service.js';
import { ScopeRefreshService } from '../services/scope-refresh-service.js';
import { SyncSettingsService } from '../services/sync-settings-service.js';
import { WebhookService } from '../services/webhook-service.js';
import type { Store } from '../store/index.js';

export interface ApiServerDeps {
  config: Pick<Config, 'api' | 'pull'> & {
    temporal: Pick<Config['temporal'], 'taskQueue'>;
    webhooks?: Config['webhooks'];
    /** Default true. */
    schedulesEnabled?: boolean;
  };
  store: Store;
  temporal: Client;
  connectors: ConnectorRegistry;
  logger: Logger;
}

export interface RunningApiServer {
  url: string;
  close(): Promise<void>;
}

/** Wires the API to its store and Temporal client and listens. */
export async function startApiServer({ config, store, temporal, connectors, logger }: ApiServerDeps): Promise<RunningApiServer> {
  const refreshes = new RefreshService({
    store,
    temporal,
    connectors,
    taskQueue: config.temporal.taskQueue,
    pullOptions: config.pull,
  });
  const connectionRefreshes = new ConnectionRefreshService({
    store,
    connectors,
    temporal,
    taskQueue: config.temporal.taskQueue,
    pullOptions: config.pull,
  });
  const schedules = new ScheduleService({ store, temporal, taskQueue: config.temporal.taskQueue, pullOptions: config.pull });
  const app = createApp({
    store,
    refreshes,
    // Off, companies and their settings leave Temporal's Schedules alone (the schedules API still answers).
    companies: new CompanyService(store, connectors, config.schedulesEnabled === false ? undefined : schedules, refreshes),
    syncSettings: new SyncSettingsService(store, config.schedulesEnabled === false ? undefined : schedules),
    connectionRefreshes,
    scopeRefreshes: new ScopeRefreshService(refreshes, connectionRefreshes),
    webhooks: new WebhookService({ store, temporal, taskQueue: config.temporal.taskQueue, retry: config.webhooks }),
    schedules,
    connectors,
    serviceToken: config.api.serviceToken,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    logger,
  });
  const server: Server = app.listen(config.api.port, config.api.host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://${config.api.host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
