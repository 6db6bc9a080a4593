import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullOperation } from '../src/api/wire.js';
import type { DataType, RefreshCompanyResult } from '../src/domain/index.js';
import type { PullOperationRow } from '../src/store/index.js';
import { startRefreshCompany } from '../src/temporal/refresh-company.js';
import { refreshDataTypeWorkflowId } from '../src/temporal/refresh-data-type.js';
import { CompanyId, PullStatus, RefreshKind } from '../src/temporal/search-attributes.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

// Company and connection refreshes as workflows: bounded concurrency, prerequisites, joining pulls already
// running, and cancellation of a pull or a whole job.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ pull: { maxAttempts: 1 } });
});
afterAll(async () => {
  await h?.close();
});

const OPTIONS = { maxAttempts: 1, batchSeconds: 30, heartbeatTimeoutSeconds: 30 };

async function companyWithTwoConnections(sandbox: Record<string, unknown>): Promise<Tenant & { second: string }> {
  const tenant = await h.addTenant(sandbox);
  const company = (await h.store.companies.getCompany(tenant.clientId, tenant.companyId))!;
  const second = await h.store.companies.createConnection(company, 'sandbox', { recordsPerDataType: 30, pageSize: 10, seed: 'second', ...sandbox });
  return { ...tenant, second: second.id };
}

async function refreshCompany(tenant: Tenant, dataTypes: DataType[], concurrency: { perCompany: number; perConnection: number }) {
  const handle = await startRefreshCompany(h.temporal, h.taskQueue, {
    clientId: tenant.clientId,
    companyId: tenant.companyId,
    dataTypes,
    trigger: 'api',
    options: OPTIONS,
    concurrency,
  });
  return { handle, result: (await handle.result()) as RefreshCompanyResult };
}

const pullsOf = async (tenant: Tenant) => (await h.store.pullOperations.list(tenant.clientId, tenant.companyId, { orderBy: { column: 'pull_operations.requested_at', direction: 'asc' }, offset: 0, limit: 1000 })).rows;

/** The most pulls that overlapped in time, among `pulls`. */
function peakOverlap(pulls: readonly PullOperationRow[]): number {
  const edges = pulls.flatMap((p) => [
    [p.requested_at, 1],
    [p.completed_at!, -1],
  ] as const);
  edges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  let running = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (running += delta));
  return peak;
}

describe('refreshCompany', () => {
  it('pulls in sync order under its concurrency limits, each dependent after its prerequisites', async () => {
    const tenant = await companyWithTwoConnections({ recordsPerDataType: 30, pageSize: 10, latencyMs: 60 });
    const types: DataType[] = ['payments', 'invoices', 'customers', 'suppliers', 'bills'];
    const { handle, result } = await refreshCompany(tenant, types, { perCompany: 3, perConnection: 1 });

    expect(result.outcomes).toHaveLength(10);
    expect(result.outcomes.every((o) => o.status === 'Complete' && o.recordsFetched === 30)).toBe(true);
    expect(result.summary).toBe('Complete: 10 data type pulls');
    const pulls = await pullsOf(tenant);
    expect(pulls).toHaveLength(10);
    expect(peakOverlap(pulls)).toBeLessThanOrEqual(2); // one per connection, two connections
    for (const connectionId of [tenant.connectionId, tenant.second]) {
      const of = pulls.filter((p) => p.connection_id === connectionId);
      expect(peakOverlap(of)).toBe(1);
      const at = (t: DataType) => of.find((p) => p.data_type === t)!;
      expect(at('invoices').requested_at >= at('customers').completed_at!).toBe(true);
      expect(at('payments').requested_at >= at('invoices').completed_at!).toBe(true);
      expect(at('bills').requested_at >= at('suppliers').completed_at!).toBe(true);
    }

    const { searchAttributes, status } = await handle.describe();
    expect(status.name).toBe('COMPLETED');
    expect(searchAttributes).toMatchObject({ CompanyId: [tenant.companyId], RefreshKind: ['company'], PullStatus: ['Complete'] });
    expect((await handle.describe()).typedSearchAttributes.get(CompanyId)).toBe(tenant.companyId);
    expect((await handle.describe()).typedSearchAttributes.get(RefreshKind)).toBe('company');
    expect((await handle.describe()).typedSearchAttributes.get(PullStatus)).toBe('Complete');
    // The Web UI's "Current Details" says the same.
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toBe('Complete: 10 data type pulls');
  });

  it('ends a dependent PrerequisiteNotMet, unpulled, when its prerequisite fails', async () => {
    const tenant = await h.addTenant({ faults: [{ kind: 'malformed', dataTypes: ['customers'], message: 'Customer list unreadable' }] });
    const { result } = await refreshCompany(tenant, ['customers', 'invoices', 'payments', 'suppliers'], { perCompany: 4, perConnection: 2 });
    const status = Object.fromEntries(result.outcomes.map((o) => [o.dataType, o.status]));
    expect(status).toEqual({ customers: 'FetchError', invoices: 'PrerequisiteNotMet', payments: 'PrerequisiteNotMet', suppliers: 'Complete' });
    expect(result.summary).toBe('3 of 4 data type pulls did not complete (1 FetchError, 2 PrerequisiteNotMet)');
    const invoices = result.outcomes.find((o) => o.dataType === 'invoices')!;
    expect(invoices.errorMessage).toBe('Not pulled: its prerequisite customers ended FetchError');
    // Visible as a pull operation, with nothing fetched.
    const pull = await h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${invoices.pullOperationId}`, { apiKey: tenant.apiKey });
    expect(pull.body).toMatchObject({ status: 'PrerequisiteNotMet', isErrored: true, recordsFetched: 0 });
    expect(await h.store.records.count(tenant.companyId, tenant.connectionId, 'invoices')).toBe(0);
  });

  it('joins a pull of the same data type already running instead of starting another', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 40, pageSize: 10, latencyMs: 150 });
    const queued = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/customers`, { apiKey: tenant.apiKey });
    const { result } = await refreshCompany(tenant, ['customers', 'invoices'], { perCompany: 4, perConnection: 2 });
    expect(result.outcomes.find((o) => o.dataType === 'customers')!.pullOperationId).toBe(queued.body.id);
    const pulls = await pullsOf(tenant);
    expect(pulls.filter((p) => p.data_type === 'customers')).toHaveLength(1);
    expect(result.outcomes.every((o) => o.status === 'Complete')).toBe(true);
  });

  it('runs behind POST /data/all', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 10, pageSize: 10 });
    const all = await h.request('POST', `/companies/${tenant.companyId}/data/all`, { apiKey: tenant.apiKey });
    expect(all.status).toBe(204);
    const handle = h.temporal.workflow.getHandle(`refresh-company/${tenant.companyId}`);
    const result = (await handle.result()) as RefreshCompanyResult;
    // Every type the sandbox offers (all fetchOnFirstLink by default).
    expect(result.outcomes.map((o) => o.dataType).sort()).toEqual(['bills', 'chartOfAccounts', 'customers', 'invoices', 'payments', 'suppliers']);
  });
});

describe('cancel', () => {
  it('stops a pull at its next page, keeping what it committed', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 2_000, pageSize: 10, latencyMs: 100 });
    const queued = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/invoices`, { apiKey: tenant.apiKey });
    await eventually(() => h.store.pullOperations.getById(queued.body.id), (p) => (p?.pages_committed ?? 0) >= 3);
    const cancelled = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/history/${queued.body.id}/cancel`, { apiKey: tenant.apiKey });
    expect(cancelled.status).toBe(202);
    const ended = await eventually(() => h.store.pullOperations.getById(queued.body.id), (p) => p?.status !== 'Fetching', 15_000);
    expect(ended).toMatchObject({ status: 'Cancelled', error_message: 'Cancelled on request; the pages committed before are kept' });
    expect(ended!.pages_committed).toBeLessThan(200);
    expect(await h.store.records.count(tenant.companyId, tenant.connectionId, 'invoices')).toBe(ended!.pages_committed * 10);
    // The run closes just after the pull is marked (it still publishes its webhook event).
    const handle = h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...tenant, dataType: 'invoices' }));
    await eventually(() => handle.describe(), (d) => d.status.name !== 'RUNNING');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect((await handle.describe()).typedSearchAttributes.get(PullStatus)).toBe('Cancelled');

    const again = await h.request<{ error: string }>('POST', `/companies/${tenant.companyId}/data/history/${queued.body.id}/cancel`, { apiKey: tenant.apiKey });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/has already ended \(Cancelled\)/);
    const other = await h.addTenant();
    expect((await h.request('POST', `/companies/${tenant.companyId}/data/history/${queued.body.id}/cancel`, { apiKey: other.apiKey })).status).toBe(404);
  });

  it('stops the running refreshes of a company that is deleted', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 2_000, pageSize: 10, latencyMs: 100 });
    const queued = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/bills`, { apiKey: tenant.apiKey });
    await eventually(() => h.store.pullOperations.getById(queued.body.id), (p) => (p?.pages_committed ?? 0) >= 1);
    expect((await h.request('DELETE', `/companies/${tenant.companyId}`, { apiKey: tenant.apiKey })).status).toBe(204);
    const handle = h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...tenant, dataType: 'bills' }));
    await eventually(() => handle.describe(), (d) => d.status.name === 'CANCELLED', 15_000);
    expect(await h.store.records.count(tenant.companyId, tenant.connectionId, 'bills')).toBe(0);
  });

  it('stops a connection refresh job and every pull it started', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 2_000, pageSize: 10, latencyMs: 100 });
    const started = await h.request<{ body: { jobId: string } }>('POST', `/api/v1/connections/${tenant.connectionId}/refresh`, { apiKey: tenant.apiKey, body: {} });
    const jobId = started.body.body.jobId;
    await eventually(async () => (await h.store.refreshJobs.pullsOf(jobId)).some((p) => p.pages_committed > 0), (yes) => yes);
    const cancelled = await h.request('POST', `/api/v1/jobs/${jobId}/cancel`, { apiKey: tenant.apiKey });
    expect(cancelled.status).toBe(202);
    type Job = { body: { sourceStatus: string; sourceMetadata: { pullOperations: { status: string }[] } } };
    const ended = await eventually(
      async () => (await h.request<Job>('GET', `/api/v1/jobs/${jobId}`, { apiKey: tenant.apiKey })).body.body,
      (job) => job.sourceStatus !== 'Running' && job.sourceStatus !== 'Queued',
      20_000,
    );
    expect(ended.sourceStatus).toBe('Failed');
    expect(ended.sourceMetadata.pullOperations.length).toBeGreaterThan(0);
    expect(ended.sourceMetadata.pullOperations.every((p) => p.status === 'Cancelled')).toBe(true);
    expect((await h.temporal.workflow.getHandle(`refresh-connection/${jobId}`).describe()).status.name).toBe('CANCELLED');
  });
});
