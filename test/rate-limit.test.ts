// Per-client rate limiting: Codat's headers on every answer, a 429 with Retry-After past the limit, one count
// shared by every API instance on the store, and no client slowed by another.
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMessage } from '../src/api/errors.js';
import { createConnectorRegistry } from '../src/connectors/registry.js';
import { type RunningApiServer, startApiServer } from '../src/runtime/api-server.js';
import { openStore, type Store } from '../src/store/index.js';
import { type Harness, startHarness, type Tenant } from './support/harness.js';

const LIMIT = 5;
let h: Harness;
let secondStore: Store;
let secondApi: RunningApiServer;

beforeAll(async () => {
  h = await startHarness({ rateLimitPerMinute: LIMIT });
  // A second API instance with its own store handle, as another process would have.
  secondStore = await openStore(h.databaseUrl);
  secondApi = await startApiServer({
    config: { api: { host: '127.0.0.1', port: 0, serviceToken: undefined, rateLimitPerMinute: LIMIT }, pull: { maxAttempts: 1, batchSeconds: 30, heartbeatTimeoutSeconds: 30 }, temporal: { taskQueue: h.taskQueue } },
    store: secondStore,
    temporal: h.temporal,
    connectors: createConnectorRegistry(),
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await secondApi?.close();
  await secondStore?.close();
  await h?.close();
});

/** Starts a test at the beginning of a window, so the count cannot reset halfway through it. */
async function freshWindow() {
  const intoWindow = Date.now() % 60_000;
  if (intoWindow > 45_000) await sleep(60_000 - intoWindow + 50);
}

const get = (baseUrl: string, who: Tenant) =>
  fetch(`${baseUrl}/companies/${who.companyId}`, { headers: { Authorization: `Basic ${Buffer.from(who.apiKey).toString('base64')}` } });

describe('rate limiting', () => {
  it('counts every instance’s requests together, announces the budget, and answers 429 past it', async () => {
    await freshWindow();
    const tenant = await h.addTenant();
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      // Alternate between the two instances: they share one count.
      const res = await get(i % 2 === 0 ? h.baseUrl : secondApi.url, tenant);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-rate-limit-limit')).toBe(String(LIMIT));
      expect(Date.parse(res.headers.get('x-rate-limit-reset')!)).toBeGreaterThan(Date.now());
      remaining.push(res.headers.get('x-rate-limit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const limited = await get(secondApi.url, tenant);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await limited.json()) as ErrorMessage;
    expect(body).toMatchObject({ statusCode: 429, canBeRetried: 'True' });
    expect(body.error).toContain(`${LIMIT} requests per minute`);

    // Another client is not affected.
    expect((await get(h.baseUrl, await h.addTenant())).status).toBe(200);
  });

  it('does not count requests that fail authentication against anyone', async () => {
    await freshWindow();
    const tenant = await h.addTenant();
    for (let i = 0; i < LIMIT + 2; i++) {
      expect((await fetch(`${h.baseUrl}/companies/${tenant.companyId}`, { headers: { Authorization: 'Basic bm9wZQ==' } })).status).toBe(401);
    }
    expect((await get(h.baseUrl, tenant)).headers.get('x-rate-limit-remaining')).toBe(String(LIMIT - 1));
  });
});
