import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { ServiceTokenConfig } from '../config/index.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { CompanyService } from '../services/company-service.js';
import type { ConnectionRefreshService } from '../services/connection-refresh-service.js';
import { RecordsService } from '../services/records-service.js';
import type { RefreshService } from '../services/refresh-service.js';
import type { ScheduleService } from '../services/schedule-service.js';
import type { ScopeRefreshService } from '../services/scope-refresh-service.js';
import type { SyncSettingsService } from '../services/sync-settings-service.js';
import type { WebhookService } from '../services/webhook-service.js';
import type { Store } from '../store/index.js';
import { requireClient } from './auth.js';
import { rateLimit } from './rate-limit.js';
import { buildOpenApiDocument } from './contract/openapi.js';
import { correlation, correlationIdOf } from './correlation.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { companyOperations, companyRoutes } from './routes/companies.js';
import { connectionRefreshOperations, connectionRefreshRoutes } from './routes/connection-refresh.js';
import { recordOperations, recordRoutes } from './routes/records.js';
import { refreshDataOperations, refreshDataRoutes } from './routes/refresh-data.js';
import { scheduleOperations, scheduleRoutes } from './routes/schedules.js';
import { scopeRefreshOperations, scopeRefreshRoutes } from './routes/scope-refresh.js';
import { syncSettingsOperations, syncSettingsRoutes } from './routes/sync-settings.js';
import { webhookOperations, webhookRoutes } from './routes/webhooks.js';

/** Every operation the API serves: what /openapi.json documents. */
export const operations = [
  ...Object.values(companyOperations),
  ...Object.values(refreshDataOperations),
  ...Object.values(recordOperations),
  ...Object.values(syncSettingsOperations),
  ...Object.values(connectionRefreshOperations),
  ...Object.values(scopeRefreshOperations),
  ...Object.values(webhookOperations),
  ...Object.values(scheduleOperations),
];

export interface ApiDeps {
  store: Store;
  refreshes: RefreshService;
  companies: CompanyService;
  syncSettings: SyncSettingsService;
  connectionRefreshes: ConnectionRefreshService;
  scopeRefreshes: ScopeRefreshService;
  webhooks: WebhookService;
  schedules: ScheduleService;
  /** Defaults to one reading `store`. */
  records?: RecordsService;
  connectors: ConnectorRegistry;
  serviceToken?: ServiceTokenConfig | undefined;
  rateLimitPerMinute?: number;
  logger: Logger;
}

/** The HTTP API. It starts work through Temporal and reads state from the store; it holds none itself. */
export function createApp(deps: ApiDeps): Express {
  const { store, refreshes, companies, syncSettings, connectionRefreshes, scopeRefreshes, webhooks, schedules, connectors, serviceToken, logger } = deps;
  const { rateLimitPerMinute = 0, records = new RecordsService(store) } = deps;
  const openApiDocument = buildOpenApiDocument(operations);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(correlation);
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => correlationIdOf(res as express.Response),
      customProps: (_req, res) => ({ correlationId: correlationIdOf(res as express.Response) }),
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  // The API reference, rendered from the same document with Swagger UI's assets served from here (no CDN).
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openApiDocument, { customSiteTitle: 'Sluice API reference' }));
  app.use(express.json({ limit: '1mb' }));
  app.use(requireClient(store, serviceToken));
  app.use(rateLimit(store, rateLimitPerMinute));
  app.use(companyRoutes(companies, connectors));
  app.use(refreshDataRoutes(refreshes));
  // After the refresh-data routes, whose /companies/{companyId}/data/history would otherwise read as a data type.
  app.use(recordRoutes(records));
  app.use(syncSettingsRoutes(syncSettings));
  app.use(connectionRefreshRoutes(connectionRefreshes));
  app.use(scopeRefreshRoutes(scopeRefreshes));
  app.use(webhookRoutes(webhooks));
  app.use(scheduleRoutes(schedules));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
