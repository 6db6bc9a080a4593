import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataStatus, PullOperation } from '../src/api/wire.js';
import { PullStatus } from '../src/temporal/search-attributes.js';
import { refreshDataTypeWorkflowId } from '../src/temporal/refresh-data-type.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const queue = (tenant: Tenant, dataType: string, query = '') =>
  h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/${dataType}${query}`, { apiKey: tenant.apiKey });
const getPull = (tenant: Tenant, id: string) =>
  h.request<PullOperation>('GET', `/companies/${tenant.companyId}/data/history/${id}`, { apiKey: tenant.apiKey });
const untilEnded = (tenant: Tenant, id: string) =>
  eventually(() => getPull(tenant, id), (r) => r.body.status !== 'Queued' && r.body.status !== 'Fetching');

describe('POST /companies/{companyId}/data/queue/{dataType}', () => {
  it('queues a pull that fetches every page, writes the records and completes', async () => {
    const queued = await queue(h.tenant, 'invoices');
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({
      companyId: h.tenant.companyId,
      connectionId: h.tenant.connectionId,
      dataType: 'invoices',
      status: 'Queued',
      progress: 0,
      isCompleted: false,
      isErrored: false,
    });
    expect(queued.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(queued.body.requested)).not.toBeNaN();

    const ended = await untilEnded(h.tenant, queued.body.id);
    expect(ended.body).toMatchObject({ id: queued.body.id, status: 'Complete', progress: 100, isCompleted: true, isErrored: false });
    expect(Date.parse(ended.body.completed!)).toBeGreaterThanOrEqual(Date.parse(queued.body.requested));
    // 120 sandbox invoices in pages of 50: three pages, every record stored once.
    expect(await h.store.records.count(h.tenant.companyId, h.tenant.connectionId, 'invoices')).toBe(120);
    const row = await h.store.pullOperations.getById(queued.body.id);
    expect(row).toMatchObject({ pages_committed: 3, checkpoint: null });
    expect(Number(row!.records_fetched)).toBe(120);

    const status = await h.request<Record<string, DataStatus>>('GET', `/companies/${h.tenant.companyId}/dataStatus`);
    expect(status.status).toBe(200);
    expect(status.body.invoices).toEqual({
      dataType: 'invoices',
      currentStatus: 'Complete',
      lastSuccessfulSync: ended.body.completed,
      latestSyncId: queued.body.id,
      latestSuccessfulSyncId: queued.body.id,
    });
    expect(status.body.customers).toEqual({ dataType: 'customers' });
    expect(Object.keys(status.body)).toHaveLength(43);
  });

  it('tags the workflow with search attributes, and keeps records out of its history', async () => {
    const queued = await queue(h.tenant, 'customers');
    await untilEnded(h.tenant, queued.body.id);
    const handle = h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...h.tenant, dataType: 'customers' }));
    // The pull is Complete in the store a moment before the run records it and closes.
    await handle.result();
    const description = await handle.describe();
    expect(description.runId).toBe(queued.body.id);
    expect(description.typedSearchAttributes.get(PullStatus)).toBe('Complete');
    expect(description.searchAttributes).toMatchObject({
      CompanyId: [h.tenant.companyId],
      ConnectionId: [h.tenant.connectionId],
      DataType: ['customers'],
      RefreshKind: ['dataType'],
    });
    const history = JSON.stringify((await handle.fetchHistory()).events);
    expect(history).not.toContain('customerName');
  });

  it('returns the running pull instead of starting a second one', async () => {
    const slow = await h.addTenant({ latencyMs: 300, recordsPerDataType: 150 });
    const [first, second] = await Promise.all([queue(slow, 'bills'), queue(slow, 'bills')]);
    const third = await queue(slow, 'bills');
    expect(first.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(third.body.id).toBe(first.body.id);
    expect(['Queued', 'Fetching']).toContain(third.body.status);

    const ended = await untilEnded(slow, first.body.id);
    expect(ended.body.status).toBe('Complete');
    // Once it has ended, the next request starts a new pull, even while the ended run is still closing.
    const next = await queue(slow, 'bills');
    expect(next.body.id).not.toBe(first.body.id);
    expect(next.body.status).toBe('Queued');
    await untilEnded(slow, next.body.id);
  });

  it('ends FetchError with the connector message when the source fails', async () => {
    const failing = await h.addTenant({ faults: [{ kind: 'malformed', afterPages: 1, message: 'Ledger closed for year-end maintenance' }] });
    const queued = await queue(failing, 'payments');
    const ended = await untilEnded(failing, queued.body.id);
    expect(ended.body).toMatchObject({
      status: 'FetchError',
      errorMessage: 'Ledger closed for year-end maintenance (payments page 2)',
      isCompleted: false,
      isErrored: true,
    });
    // The first page was committed before the failure; the data status shows the failure and no success.
    expect(await h.store.records.count(failing.companyId, failing.connectionId, 'payments')).toBe(50);
    const status = await h.request<Record<string, DataStatus>>('GET', `/companies/${failing.companyId}/dataStatus`, { apiKey: failing.apiKey });
    expect(status.body.payments).toEqual({ dataType: 'payments', currentStatus: 'FetchError', latestSyncId: queued.body.id });
    // The run fails too, so the Web UI shows it as failed.
    const handle = h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...failing, dataType: 'payments' }));
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('FAILED');
  });

  it('retries a transiently failing source, then ends FetchError once the attempts are spent', async () => {
    const flaky = await h.addTenant({ faults: [{ kind: 'serverError', message: 'Upstream answered 503 Service Unavailable' }] });
    const queued = await queue(flaky, 'suppliers');
    const ended = await untilEnded(flaky, queued.body.id);
    expect(ended.body).toMatchObject({ status: 'FetchError', errorMessage: 'Upstream answered 503 Service Unavailable (suppliers page 1)' });
    const history = await h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...flaky, dataType: 'suppliers' })).fetchHistory();
    const failed = history.events?.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes;
    const started = history.events?.find((e) => Number(e.eventId) === Number(failed?.startedEventId));
    // The harness allows 3 attempts per activity: the failure recorded is the third.
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(3);
    expect(failed?.failure?.applicationFailureInfo?.type).toBe('FetchError');
  });

  it('ends NotSupported when the connection was asked for a type its source lacks', async () => {
    const res = await queue(h.tenant, 'balanceSheet', `?connectionId=${h.tenant.connectionId}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Datatype balanceSheet not supported by platform(s) sandbox' });
  });

  it('rejects an unknown data type with the list of valid ones', async () => {
    const res = await queue(h.tenant, 'unicorns');
    expect(res.status).toBe(400);
    expect((res.body as unknown as { error: string }).error).toContain('Valid data types are: accountTransactions, balanceSheet');
  });

  it('answers 404 for an unknown company, connection or dataset', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await h.request('POST', `/companies/${unknown}/data/queue/invoices`)).status).toBe(404);
    expect((await h.request('POST', `/companies/not-a-uuid/data/queue/invoices`)).status).toBe(404);
    expect((await queue(h.tenant, 'invoices', `?connectionId=${unknown}`)).status).toBe(404);
    expect((await getPull(h.tenant, unknown)).status).toBe(404);
    expect((await h.request('GET', `/companies/${unknown}/dataStatus`)).status).toBe(404);
  });
});
