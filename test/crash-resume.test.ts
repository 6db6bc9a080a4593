import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { type SandboxApi, startSandboxApi } from '../src/connectors/sandbox/server.js';
import { refreshDataTypeWorkflowId } from '../src/temporal/refresh-data-type.js';
import { eventually, type Harness, startHarness } from './support/harness.js';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

// A worker process is killed outright (SIGKILL: no shutdown, no last heartbeat) in the middle of a pull of
// 100,000 records from an HTTP source. Another worker process takes over once the pull's heartbeat times out,
// and the pull resumes from the page after the last committed one.

const RECORDS = 100_000;
const PAGE_SIZE = 500;
const PAGES = RECORDS / PAGE_SIZE;

let h: Harness;
let api: SandboxApi;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false, pull: { heartbeatTimeoutSeconds: 5, maxAttempts: 5 } });
  api = await startSandboxApi({ recordsPerDataType: RECORDS, maxPageSize: PAGE_SIZE });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => (w.child.exitCode === null && w.child.signalCode === null ? w.stop() : undefined)));
  await api?.close();
  await h?.close();
});

async function startWorker(): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({
    databaseUrl: h.databaseUrl,
    temporalAddress: inject('temporalAddress'),
    taskQueue: h.taskQueue,
    workflowBundlePath: inject('workflowBundlePath'),
  });
  workers.push(worker);
  return worker;
}

const offsetOf = (request: { query: Record<string, string> }) => Number(request.query.offset ?? 0);

describe('a worker killed mid-pull', () => {
  it('is replaced, and the pull resumes from its checkpoint with exactly every record stored once', async () => {
    const tenant = await h.addTenantWith('http', {
      baseUrl: api.url,
      dataTypes: { invoices: { path: '/invoices', recordsPath: 'results', modifiedField: 'modifiedDate', totalPath: 'totalResults' } },
      pagination: { type: 'offset', limit: PAGE_SIZE },
    });
    const first = await startWorker();
    const queued = await h.request<{ id: string }>('POST', `/companies/${tenant.companyId}/data/queue/invoices`, { apiKey: tenant.apiKey });
    expect(queued.status).toBe(200);
    const pullId = queued.body.id;

    // Mid-pull: a fifth of the pages committed.
    await eventually(() => h.store.pullOperations.getById(pullId), (p) => (p?.pages_committed ?? 0) >= PAGES / 5, 60_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const killedAt = new Date().toISOString();
    const atKill = (await h.store.pullOperations.getById(pullId))!;
    expect(atKill.status).toBe('Fetching');
    expect(atKill.pages_committed).toBeLessThan(PAGES);
    const requestsBeforeKill = api.requests.length;

    await startWorker();
    const done = await eventually(() => h.store.pullOperations.getById(pullId), (p) => p?.status !== 'Fetching', 120_000);

    expect(done).toMatchObject({ status: 'Complete', pages_committed: PAGES, progress: 100 });
    expect(Number(done!.records_fetched)).toBe(RECORDS);
    expect(Number(done!.records_created)).toBe(RECORDS);
    expect(await h.store.records.count(tenant.companyId, tenant.connectionId, 'invoices')).toBe(RECORDS);

    // Resumed, not restarted: page 1 was asked for once, and the new worker's first request continued at the
    // page after the last one committed before the kill.
    const listings = api.requests.filter((r) => r.path === '/invoices');
    expect(listings.filter((r) => offsetOf(r) === 0)).toHaveLength(1);
    const afterKill = api.requests.slice(requestsBeforeKill).filter((r) => r.path === '/invoices' && r.time >= killedAt);
    expect(offsetOf(afterKill[0]!)).toBe(atKill.pages_committed * PAGE_SIZE);

    // Temporal saw it the same way: the batch activity failed on a heartbeat timeout and ran again.
    const history = await h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...tenant, dataType: 'invoices' })).fetchHistory();
    const retried = history.events?.find((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried).toBeDefined();
  }, 240_000);
});
