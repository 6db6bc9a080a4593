import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullOperation } from '../src/api/wire.js';
import { type SandboxApi, type SandboxApiOptions, startSandboxApi } from '../src/connectors/sandbox/server.js';
import { defaultSyncSettings } from '../src/domain/index.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

// Pull semantics through the real path (API -> Temporal -> worker -> HTTP connector -> store) against a
// sandbox API on loopback: incremental and full pulls, deletion flags, live progress and counts, and the
// caps that protect a source.

let h: Harness;
const apis: SandboxApi[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await Promise.all(apis.map((api) => api.close()));
  await h?.close();
});

const endpoint = { recordsPath: 'results', modifiedField: 'modifiedDate', totalPath: 'totalResults' };

async function source(options: SandboxApiOptions = {}, connection: Record<string, unknown> = {}): Promise<{ api: SandboxApi; tenant: Tenant }> {
  const api = await startSandboxApi({ recordsPerDataType: 40, ...options });
  apis.push(api);
  const tenant = await h.addTenantWith('http', {
    baseUrl: api.url,
    dataTypes: { invoices: { path: '/invoices', ...endpoint }, customers: { path: '/customers', ...endpoint } },
    pagination: { type: 'page', pageSize: 10 },
    incremental: { param: 'modifiedSince', format: 'iso' },
    ...connection,
  });
  return { api, tenant };
}

async function pull(tenant: Tenant, dataType = 'invoices', query = ''): Promise<PullOperation> {
  const queued = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/${dataType}${query}`, { apiKey: tenant.apiKey });
  expect(queued.status).toBe(200);
  return finished(tenant, queued.body.id);
}

async function finished(tenant: Tenant, id: string): Promise<PullOperation> {
  const read = async () => (await h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${id}`, { apiKey: tenant.apiKey })).body;
  return eventually(read, (p) => p.isCompleted || p.isErrored || p.status === 'NotSupported', 60_000);
}

interface StoredRecord {
  id: string;
  modifiedDate: string;
  amountDue?: number;
  metadata: { isDeleted: boolean };
}

async function records(tenant: Tenant, query = ''): Promise<StoredRecord[]> {
  const path = `/companies/${tenant.companyId}/data/invoices?pageSize=5000${query ? `&query=${encodeURIComponent(query)}` : ''}`;
  const response = await h.request<{ results: StoredRecord[] }>('GET', path, { apiKey: tenant.apiKey });
  expect(response.status).toBe(200);
  return response.body.results;
}

describe('incremental and full pulls', () => {
  it('reads only what changed since the last successful pull, counting created and updated records', async () => {
    const { api, tenant } = await source();
    const first = await pull(tenant);
    expect(first).toMatchObject({ status: 'Complete', mode: 'full', recordsFetched: 40, recordsCreated: 40, recordsUpdated: 0, recordsDeleted: 0 });
    const before = new Map((await records(tenant)).map((r) => [r.id, r]));

    api.touch('invoices', 'inv-000003', { amountDue: 1234.5 });
    api.touch('invoices', 'inv-000017');
    const added = api.add('invoices', { amountDue: 99 });
    const second = await pull(tenant);
    expect(second).toMatchObject({ status: 'Complete', mode: 'incremental', recordsCreated: 1, recordsUpdated: 2, recordsDeleted: 0 });
    expect(second.modifiedSince).toBeDefined();
    // Far fewer than the 41 records there are: the boundary record(s) at the high-water mark may come again.
    expect(second.recordsFetched).toBeLessThan(10);
    const listed = api.requests.filter((r) => r.path === '/invoices').at(-1)!;
    expect(listed.query.modifiedSince).toBe(second.modifiedSince);

    const after = new Map((await records(tenant)).map((r) => [r.id, r]));
    expect(after.size).toBe(41);
    expect(after.get('inv-000003')!.amountDue).toBe(1234.5);
    expect(after.get(added.id)).toBeDefined();
    // Records the pull did not change keep their modifiedDate: clients reading `modifiedDate>` see only changes.
    expect(after.get('inv-000010')!.modifiedDate).toBe(before.get('inv-000010')!.modifiedDate);
    expect(after.get('inv-000003')!.modifiedDate > before.get('inv-000003')!.modifiedDate).toBe(true);

    // Nothing changed since: an incremental pull finds (at most) the boundary again and writes nothing.
    const third = await pull(tenant);
    expect(third).toMatchObject({ status: 'Complete', mode: 'incremental', recordsCreated: 0, recordsUpdated: 0 });
  });

  it('flags records gone from the source as deleted on a full pull, and only when it completes', async () => {
    const { api, tenant } = await source();
    await pull(tenant);
    api.remove('invoices', 'inv-000005');
    api.remove('invoices', 'inv-000031');

    // An incremental pull cannot see deletions.
    expect(await pull(tenant)).toMatchObject({ mode: 'incremental', recordsDeleted: 0 });
    expect(await records(tenant, 'metadata.isDeleted=true')).toEqual([]);

    // A full pull that fails part-way flags nothing: it has not seen the whole source.
    api.setFaults([{ kind: 'malformed', afterPages: 2 }]);
    expect(await pull(tenant, 'invoices', '?full=true')).toMatchObject({ status: 'FetchError', mode: 'full', recordsDeleted: 0 });
    expect(await records(tenant, 'metadata.isDeleted=true')).toEqual([]);

    api.setFaults([]);
    const full = await pull(tenant, 'invoices', '?full=true');
    expect(full).toMatchObject({ status: 'Complete', mode: 'full', recordsFetched: 38, recordsCreated: 0, recordsUpdated: 0, recordsDeleted: 2 });
    const deleted = await records(tenant, 'metadata.isDeleted=true');
    expect(deleted.map((r) => r.id).sort()).toEqual(['inv-000005', 'inv-000031']);
    expect(await records(tenant, 'metadata.isDeleted!=true')).toHaveLength(38);

    // A record that comes back is live again, and counted as updated.
    api.add('invoices', { id: 'inv-000005' });
    const again = await pull(tenant, 'invoices', '?full=true');
    expect(again).toMatchObject({ status: 'Complete', recordsDeleted: 0 });
    expect((await records(tenant, 'metadata.isDeleted=true')).map((r) => r.id)).toEqual(['inv-000031']);
  });

  it('pulls in full when the data type\'s sync setting says so', async () => {
    const { tenant } = await source();
    await pull(tenant);
    const settings = defaultSyncSettings().map((s) => (s.dataType === 'invoices' ? { ...s, fullPull: true } : s));
    const saved = await h.request('POST', `/companies/${tenant.companyId}/syncSettings`, { apiKey: tenant.apiKey, body: { companyId: tenant.companyId, settings } });
    expect(saved.status).toBe(204);
    expect(await pull(tenant)).toMatchObject({ status: 'Complete', mode: 'full', recordsFetched: 40 });
    // ?full=false still asks for an incremental pull.
    expect(await pull(tenant, 'invoices', '?full=false')).toMatchObject({ status: 'Complete', mode: 'incremental' });
  });
});

describe('while a pull runs', () => {
  it('shows progress from the source\'s totals and the records counted so far', async () => {
    const { tenant } = await source({ latencyMs: 250 });
    const queued = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/invoices`, { apiKey: tenant.apiKey });
    const read = async () => (await h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${queued.body.id}`, { apiKey: tenant.apiKey })).body;
    const midway = await eventually(read, (p) => p.status === 'Fetching' && p.progress > 0, 20_000);
    expect(midway.progress).toBeLessThan(100);
    expect(midway.recordsFetched).toBeGreaterThan(0);
    expect(midway.progress).toBe(Math.floor((midway.recordsFetched * 100) / 40));
    expect(await finished(tenant, queued.body.id)).toMatchObject({ status: 'Complete', progress: 100, recordsFetched: 40 });
  });
});

describe('upstream protection', () => {
  it('runs one pull at a time on a connection capped at one, across data types', async () => {
    const { api, tenant } = await source({ latencyMs: 100 }, { limits: { maxConcurrentPulls: 1 } });
    const queue = (dataType: string) =>
      h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/${dataType}`, { apiKey: tenant.apiKey });
    const [invoices, customers] = await Promise.all([queue('invoices'), queue('customers')]);
    const waiting = await eventually(
      async () => [
        (await h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${invoices.body.id}`, { apiKey: tenant.apiKey })).body,
        (await h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${customers.body.id}`, { apiKey: tenant.apiKey })).body,
      ],
      (pulls) => pulls.some((p) => p.statusDescription?.includes('Waiting for a free pull slot')),
      20_000,
    );
    expect(waiting.some((p) => p.status === 'Fetching')).toBe(true);
    expect(await finished(tenant, invoices.body.id)).toMatchObject({ status: 'Complete' });
    expect(await finished(tenant, customers.body.id)).toMatchObject({ status: 'Complete' });
    // The request log shows one type's pull entirely before the other's.
    const order = api.requests.filter((r) => r.path !== '/oauth/token').map((r) => r.path);
    const firstOther = order.findIndex((p) => p !== order[0]);
    expect(order.slice(firstOther).every((p) => p !== order[0])).toBe(true);
  });

  it('keeps to the requests per second a connection allows', async () => {
    const { api, tenant } = await source({}, { limits: { requestsPerSecond: 4 }, pagination: { type: 'page', pageSize: 4 } });
    expect(await pull(tenant)).toMatchObject({ status: 'Complete', recordsFetched: 40 });
    const times = api.requests.map((r) => Date.parse(r.time));
    expect(times).toHaveLength(10);
    // Evenly spaced, 250 ms apart (less a little scheduling jitter), so 10 requests take over 2 s.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(220);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(2_000);
  });
});
