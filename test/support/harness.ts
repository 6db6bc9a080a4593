import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { pino } from 'pino';
import { inject } from 'vitest';
import type { ServiceTokenConfig } from '../../src/config/index.js';
import { createConnectorRegistry } from '../../src/connectors/registry.js';
import type { SandboxSettings } from '../../src/connectors/sandbox/index.js';
import type { PullOptions } from '../../src/domain/index.js';
import { startApiServer } from '../../src/runtime/api-server.js';
import { type RunningWorker, startWorker } from '../../src/runtime/worker.js';
import { createClientWithApiKey } from '../../src/services/api-keys.js';
import { openStore, type Store } from '../../src/store/index.js';
import { connectClient } from '../../src/temporal/connection.js';
import { createTestDatabase } from './databases.js';
import { quietTemporalRuntime } from './temporal-runtime.js';

export interface Tenant {
  clientId: string;
  apiKey: string;
  companyId: string;
  connectionId: string;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Harness {
  baseUrl: string;
  /** The store's URL, for opening more handles on it (other workers, other processes). */
  databaseUrl: string;
  store: Store;
  temporal: Client;
  taskQueue: string;
  /** A client with one company and one sandbox connection, ready to refresh. */
  tenant: Tenant;
  addTenant(sandbox?: Partial<SandboxSettings>): Promise<Tenant>;
  /** A client with one company and one connection of any connector, e.g. `http` against a loopback sandbox API. */
  addTenantWith(platformKey: string, parameters: Record<string, unknown>): Promise<Tenant>;
  request<T = unknown>(method: string, path: string, options?: { apiKey?: string | null; body?: unknown }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  pull?: Partial<PullOptions>;
  serviceToken?: ServiceTokenConfig;
  /** Off unless a test is about rate limiting. */
  rateLimitPerMinute?: number;
  sandbox?: Partial<SandboxSettings>;
  /**
   * Keep companies' Temporal Schedules in step with their settings. Off by default: a daily schedule of one of
   * the many companies tests create could otherwise fire in the middle of an unrelated test.
   */
  schedules?: boolean;
  /** False: no worker in this process; the test runs worker processes of its own on `taskQueue`. */
  inProcessWorker?: boolean;
}

/**
 * The real thing, wired for one test file: a fresh store (SQLite, or PostgreSQL in a postgres run), a worker on a task queue of its own (against
 * the run's one dev server and bundle), a Temporal client, and the HTTP API on a free port.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  quietTemporalRuntime();
  const database = await createTestDatabase();
  const store = await openStore(database.url);
  const connectors = createConnectorRegistry();
  const taskQueue = `test-${randomUUID()}`;
  const temporalTarget = { address: inject('temporalAddress'), namespace: 'default' };
  const worker: RunningWorker | undefined = options.inProcessWorker === false ? undefined : await startWorker({
    temporal: temporalTarget,
    taskQueue,
    store,
    connectors,
    workflowBundlePath: inject('workflowBundlePath'),
    identity: 'worker-1',
  });
  const temporal = await connectClient(temporalTarget);
  const api = await startApiServer({
    config: {
      api: { host: '127.0.0.1', port: 0, serviceToken: options.serviceToken, rateLimitPerMinute: options.rateLimitPerMinute ?? 0 },
      pull: { maxAttempts: 3, batchSeconds: 30, heartbeatTimeoutSeconds: 30, ...options.pull },
      temporal: { taskQueue },
      schedulesEnabled: options.schedules ?? false,
    },
    store,
    temporal,
    connectors,
    logger: pino({ level: 'silent' }),
  });

  const addTenantWith = async (platformKey: string, parameters: Record<string, unknown>): Promise<Tenant> => {
    const { client, apiKey } = await createClientWithApiKey(store, `client ${randomUUID()}`);
    const company = await store.companies.createCompany(client.id, 'Test Company');
    const connection = await store.companies.createConnection(company, platformKey, parameters);
    return { clientId: client.id, apiKey, companyId: company.id, connectionId: connection.id };
  };
  const addTenant = (sandbox: Partial<SandboxSettings> = {}) =>
    addTenantWith('sandbox', { recordsPerDataType: 120, pageSize: 50, ...options.sandbox, ...sandbox });
  const tenant = await addTenant();

  return {
    baseUrl: api.url,
    databaseUrl: database.url,
    store,
    temporal,
    taskQueue,
    tenant,
    addTenant,
    addTenantWith,
    async request<T>(method: string, path: string, { apiKey = tenant.apiKey, body }: { apiKey?: string | null; body?: unknown } = {}) {
      const headers: Record<string, string> = {};
      if (apiKey !== null) headers.Authorization = `Basic ${Buffer.from(apiKey).toString('base64')}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${api.url}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async close() {
      await api.close();
      await worker?.stop();
      await temporal.connection.close();
      await store.close();
      await database.drop();
    },
  };
}

/** Polls until `done` holds for what `read` returns, or fails with the last value seen. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  throw new Error(`Condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
