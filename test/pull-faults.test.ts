import type { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, PullOperation } from '../src/api/wire.js';
import type { HttpSettings } from '../src/connectors/http/index.js';
import type { DataType } from '../src/domain/index.js';
import type { FaultPlanInput } from '../src/connectors/sandbox/faults.js';
import { type RequestLog, type SandboxApi, startSandboxApi } from '../src/connectors/sandbox/server.js';
import { refreshDataTypeWorkflowId } from '../src/temporal/refresh-data-type.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

// Upstream faults end to end: a real sandbox API on loopback, queued through the API, pulled by the worker with
// the http connector, and each fault's outcome read back as the pull's status and message, the workflow's
// attempts, and the requests the source saw. The harness allows 3 attempts per activity; Temporal's backoff
// between them is 1 s, then 2 s, unless the source says otherwise (Retry-After).

const N = 45; // invoices at the source: pages of 10, 10, 10, 10 and 5
const PAGE = 10;
const MAX_ATTEMPTS = 3;
// The source's bearer token. It must never show in a pull's message or the workflow's history.
const TOKEN = 'sk_live_51PullFaultsDoNotLeak7f3a9c';

let h: Harness;
const servers: SandboxApi[] = [];

beforeAll(async () => {
  h = await startHarness({ pull: { maxAttempts: MAX_ATTEMPTS, batchSeconds: 30, heartbeatTimeoutSeconds: 30 } });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await h?.close();
});

const invoicesEndpoint = { path: '/invoices', recordsPath: 'results', modifiedField: 'modifiedDate', totalPath: 'totalResults' };

/** A sandbox API with these faults, and a tenant whose http connection reads its invoices with the bearer token. */
async function source(faults: FaultPlanInput, overrides: Partial<HttpSettings> = {}): Promise<{ api: SandboxApi; tenant: Tenant }> {
  const api = await startSandboxApi({ recordsPerDataType: N, auth: { type: 'bearer', token: TOKEN }, faults });
  servers.push(api);
  const settings: HttpSettings = {
    baseUrl: api.url,
    dataTypes: { invoices: invoicesEndpoint },
    pagination: { type: 'page', pageSize: PAGE },
    auth: { type: 'bearer', token: TOKEN },
    ...overrides,
  };
  const tenant = await h.addTenantWith('http', settings as Record<string, unknown>);
  return { api, tenant };
}

const queue = (tenant: Tenant, dataType: string) =>
  h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/${dataType}?connectionId=${tenant.connectionId}`, { apiKey: tenant.apiKey });

/** Queues a pull and waits for it to end; returns the ended pull operation as the API shows it. */
async function pull(tenant: Tenant, dataType = 'invoices'): Promise<PullOperation> {
  const queued = await queue(tenant, dataType);
  expect(queued.status).toBe(200);
  const ended = await eventually(
    () => h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${queued.body.id}`, { apiKey: tenant.apiKey }),
    (r) => r.body.isCompleted || r.body.isErrored || !['Queued', 'Fetching'].includes(r.body.status),
  );
  return ended.body;
}

const handleOf = (tenant: Tenant, dataType: DataType = 'invoices') => h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...tenant, dataType }));

/** How the pullPages activity ended in the workflow history: the attempt it ended on, and the failure type if it failed. */
async function pullPagesOutcome(tenant: Tenant): Promise<{ attempt: number | null | undefined; failureType: string | null | undefined }> {
  const handle = handleOf(tenant);
  // The pull ends in the store a moment before the run records it and closes.
  await handle.result().catch(() => undefined);
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Set(
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pullPages').map((e) => Number(e.eventId)),
  );
  const started = events.filter((e) => scheduled.has(Number(e.activityTaskStartedEventAttributes?.scheduledEventId)));
  expect(started).toHaveLength(1);
  const failed = events.find((e) => Number(e.activityTaskFailedEventAttributes?.startedEventId) === Number(started[0]!.eventId));
  return {
    attempt: started[0]!.activityTaskStartedEventAttributes?.attempt,
    failureType: failed?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type,
  };
}

/** The requests the source saw for one page of invoices, in order. */
const pageRequests = (api: SandboxApi, page: number): RequestLog[] => api.requests.filter((r) => r.path === '/invoices' && r.query.page === String(page));

const gapsMs = (requests: RequestLog[]) => requests.slice(1).map((r, i) => Date.parse(r.time) - Date.parse(requests[i]!.time));

const stored = (tenant: Tenant) => h.store.records.count(tenant.companyId, tenant.connectionId, 'invoices');

describe('pull faults: a real HTTP source through the API, Temporal and the http connector', () => {
  it('waits out a 429 for as long as Retry-After says, then completes with every record once', async () => {
    const { api, tenant } = await source([{ kind: 'rateLimited', retryAfterSeconds: 2, times: 2, afterPages: 1 }]);
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'Complete', isCompleted: true, progress: 100, recordsFetched: N, recordsCreated: N });
    expect(ended.errorMessage).toBeUndefined();
    expect(await stored(tenant)).toBe(N);

    // Page 2 was refused twice, then read; page 1 was not read again (each attempt resumed from the checkpoint).
    const page2 = pageRequests(api, 2);
    expect(page2.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(pageRequests(api, 1)).toHaveLength(1);
    // Retry-After: 2 is honoured; Temporal's own backoff would have retried the first after 1 s.
    for (const gap of gapsMs(page2)) expect(gap).toBeGreaterThanOrEqual(2_000);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 3, failureType: undefined });
  });

  it('ends RateLimitError when the source keeps answering 429 after every attempt', async () => {
    const { api, tenant } = await source([{ kind: 'rateLimited', retryAfterSeconds: 1, afterPages: 1 }]);
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'RateLimitError', isErrored: true, recordsFetched: PAGE });
    expect(ended.errorMessage).toContain('invoices page 2');
    expect(ended.errorMessage).toContain('answered 429 Too Many Requests');
    expect(ended.errorMessage).toContain('it asked to wait 1 s');
    expect(ended.errorMessage).not.toContain(TOKEN);

    const page2 = pageRequests(api, 2);
    expect(page2.map((r) => r.status)).toEqual([429, 429, 429]);
    for (const gap of gapsMs(page2)) expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: MAX_ATTEMPTS, failureType: 'RateLimitError' });
    // What was read before the limit is kept.
    expect(await stored(tenant)).toBe(PAGE);
  });

  it('rides out a burst of 5xx answers with backoff and completes', async () => {
    const { api, tenant } = await source([{ kind: 'serverError', status: 502, times: 2, afterPages: 1 }]);
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'Complete', recordsFetched: N, recordsCreated: N });
    expect(await stored(tenant)).toBe(N);
    const page2 = pageRequests(api, 2);
    expect(page2.map((r) => r.status)).toEqual([502, 502, 200]);
    // Exponential backoff: 1 s, then 2 s.
    const [first, second] = gapsMs(page2);
    expect(first).toBeGreaterThanOrEqual(1_000);
    expect(second).toBeGreaterThanOrEqual(2_000);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 3, failureType: undefined });
  });

  it('ends FetchError once a source that keeps answering 503 has had every attempt', async () => {
    const { api, tenant } = await source([{ kind: 'serverError', afterPages: 1 }]);
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'FetchError', isErrored: true });
    expect(ended.errorMessage).toMatch(/^Pulling invoices: GET http:\/\/127\.0\.0\.1:\d+\/invoices\?page=2&pageSize=10 answered 503 Service Unavailable/);
    expect(ended.errorMessage).toContain('Sluice retries with backoff before giving up (invoices page 2)');
    expect(ended.errorMessage).not.toContain(TOKEN);
    expect(pageRequests(api, 2).map((r) => r.status)).toEqual(Array(MAX_ATTEMPTS).fill(503));
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: MAX_ATTEMPTS, failureType: 'FetchError' });
    expect(await stored(tenant)).toBe(PAGE);
  });

  it('ends FetchError when the source does not answer within the connection timeoutMs', async () => {
    const { api, tenant } = await source([{ kind: 'timeout', delayMs: 2_000, afterPages: 1 }], { timeoutMs: 300 });
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'FetchError', isErrored: true });
    expect(ended.errorMessage).toMatch(/^Pulling invoices: GET http:\/\/127\.0\.0\.1:\d+\/invoices\?page=2&pageSize=10 did not answer within 300 ms/);
    expect(ended.errorMessage).toContain("raise the connection's timeoutMs (invoices page 2)");
    // Each attempt gave up at 300 ms: the client hung up, so the source never answered any of them.
    expect(pageRequests(api, 2).map((r) => r.status)).toEqual(Array(MAX_ATTEMPTS).fill(0));
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: MAX_ATTEMPTS, failureType: 'FetchError' });
    expect(await stored(tenant)).toBe(PAGE);
  });

  it('retries a page that timed out once, and completes', async () => {
    const { api, tenant } = await source([{ kind: 'timeout', delayMs: 2_000, afterPages: 3, times: 1 }], { timeoutMs: 300 });
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'Complete', recordsFetched: N, recordsCreated: N });
    expect(await stored(tenant)).toBe(N);
    expect(pageRequests(api, 4).map((r) => r.status)).toEqual([0, 200]);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 2, failureType: undefined });
  });

  it('ends FetchError at once on a body that is not JSON, keeping the pages read before it; the run fails with the same message', async () => {
    const { api, tenant } = await source([{ kind: 'malformed', afterPages: 2 }]);
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'FetchError', isErrored: true, recordsFetched: 2 * PAGE });
    expect(ended.errorMessage).toMatch(/^Pulling invoices: GET http:\/\/127\.0\.0\.1:\d+\/invoices\?page=3&pageSize=10 answered 200 with a body that is not valid JSON/);
    expect(ended.errorMessage).toMatch(/\(invoices page 3\)$/);
    // Not retried: the same body would come back.
    expect(pageRequests(api, 3)).toHaveLength(1);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 1, failureType: 'FetchError' });
    expect(await stored(tenant)).toBe(2 * PAGE);

    // The run failed too (the Web UI shows it), with the pull's status as its type and the same message.
    const handle = handleOf(tenant);
    const failure = await handle.result().then(
      () => null,
      (error: unknown) => error as WorkflowFailedError,
    );
    expect(failure?.cause).toBeInstanceOf(ApplicationFailure);
    expect(failure?.cause).toMatchObject({ type: 'FetchError', message: ended.errorMessage });
    expect((await handle.describe()).status.name).toBe('FAILED');
  });

  it('ends AuthError at once on a 401, without leaking the token the source echoed, and marks the connection Deauthorized', async () => {
    // A source that echoes the rejected credential in its error body.
    const { api, tenant } = await source([{ kind: 'auth', afterPages: 1, message: `token ${TOKEN} was revoked` }]);
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'AuthError', isErrored: true });
    expect(ended.errorMessage).toMatch(/^Pulling invoices: GET http:\/\/127\.0\.0\.1:\d+\/invoices\?page=2&pageSize=10 answered 401 Unauthorized \(token \*\*\* was revoked\)/);
    expect(ended.errorMessage).toContain("re-link the connection (invoices page 2)");
    expect(ended.errorMessage).not.toContain(TOKEN);
    expect(pageRequests(api, 2)).toHaveLength(1);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 1, failureType: 'AuthError' });
    expect(JSON.stringify(await handleOf(tenant).fetchHistory())).not.toContain(TOKEN);

    const connection = await h.request<Connection>('GET', `/companies/${tenant.companyId}/connections/${tenant.connectionId}`, { apiKey: tenant.apiKey });
    expect(connection.status).toBe(200);
    expect(connection.body.status).toBe('Deauthorized');
  });

  it('ends PermissionsError at once on a 403, and leaves the connection linked', async () => {
    const { api, tenant } = await source([{ kind: 'permission' }]);
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'PermissionsError', isErrored: true, recordsFetched: 0 });
    expect(ended.errorMessage).toMatch(/^Pulling invoices: GET http:\/\/127\.0\.0\.1:\d+\/invoices\?page=1&pageSize=10 answered 403 Forbidden/);
    expect(ended.errorMessage).toContain("may not read invoices; grant access at the source, or re-link with an account that has it (invoices page 1)");
    expect(ended.errorMessage).not.toContain(TOKEN);
    expect(pageRequests(api, 1)).toHaveLength(1);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 1, failureType: 'PermissionsError' });
    const connection = await h.request<Connection>('GET', `/companies/${tenant.companyId}/connections/${tenant.connectionId}`, { apiKey: tenant.apiKey });
    expect(connection.body.status).toBe('Linked');
  });

  it('refuses to queue a data type the connection does not configure', async () => {
    const { api, tenant } = await source([]);
    const res = await queue(tenant, 'bills');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Datatype bills not supported by platform(s) http' });
    expect(api.requests).toHaveLength(0);
  });

  it('ends NotSupported, without retrying, when the connection stops configuring the data type mid-pull', async () => {
    const { api, tenant } = await source([{ kind: 'serverError' }]);
    const queued = await queue(tenant, 'invoices');
    expect(queued.status).toBe(200);
    // The first attempt fails on a 503; before the retry (1 s later), the connection is reconfigured without invoices.
    await eventually(
      async () => api.requests.map((r) => r.status),
      (statuses) => statuses.includes(503),
      10_000,
    );
    await h.store.companies.setConnectionParameters(tenant.connectionId, {
      baseUrl: api.url,
      dataTypes: { customers: { path: '/customers', recordsPath: 'results' } },
      pagination: { type: 'page', pageSize: PAGE },
      auth: { type: 'bearer', token: TOKEN },
    });
    const ended = await eventually(
      () => h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${queued.body.id}`, { apiKey: tenant.apiKey }),
      (r) => !['Queued', 'Fetching'].includes(r.body.status),
    );
    expect(ended.body).toMatchObject({ status: 'NotSupported', errorMessage: 'Datatype invoices not supported by platform(s) http' });
    // The second attempt stopped before asking the source; no third one.
    expect(api.requests).toHaveLength(1);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 2, failureType: 'NotSupported' });
  });

  it('ends FetchError at once on a record time it cannot read (unix nanoseconds), naming the record and the page', async () => {
    const { api, tenant } = await source([], { dataTypes: { invoices: { ...invoicesEndpoint, modifiedField: 'updatedAtNs' } } });
    // One record on page 2 carries its time in nanoseconds: 1.7e18 read as milliseconds is past the last JS date.
    api.touch('invoices', 'inv-000012', { updatedAtNs: 1_700_000_000_000_000_000 });
    const ended = await pull(tenant);
    expect(ended).toMatchObject({ status: 'FetchError', isErrored: true, recordsFetched: PAGE });
    expect(ended.errorMessage).toContain('record inv-000012 has `updatedAtNs` 1700000000000000000, which is not a time; check modifiedField for invoices (invoices page 2)');
    expect(pageRequests(api, 2)).toHaveLength(1);
    expect(await pullPagesOutcome(tenant)).toEqual({ attempt: 1, failureType: 'FetchError' });
  });
});
