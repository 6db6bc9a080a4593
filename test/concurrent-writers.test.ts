// Several workers writing one company's data at once, on whichever store this run tests: nothing lost,
// nothing doubled, no deadlock. The other writers are real processes, as they are in a deployment.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PullOperation } from '../src/api/wire.js';
import type { DataType } from '../src/domain/index.js';
import { openStore } from '../src/store/index.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import { refreshDataTypeWorkflowId } from '../src/temporal/refresh-data-type.js';
import { createTestDatabase } from './support/databases.js';
import { eventually, type Harness, startHarness } from './support/harness.js';

const run = promisify(execFile);
let h: Harness;
let secondWorker: ChildProcess;
let secondWorkerOutput = '';

beforeAll(async () => {
  h = await startHarness();
  // A second worker process (the production entry point) polling the same task queue, on the same store.
  secondWorker = spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: h.databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  secondWorker.stdout!.on('data', (chunk: Buffer) => (secondWorkerOutput += chunk.toString()));
  secondWorker.stderr!.on('data', (chunk: Buffer) => (secondWorkerOutput += chunk.toString()));
  await eventually(
    async () => secondWorkerOutput,
    (output) => output.includes('worker polling'),
  );
});

afterAll(async () => {
  if (secondWorker && secondWorker.exitCode === null) {
    secondWorker.kill('SIGTERM');
    await once(secondWorker, 'exit');
  }
  await h?.close();
});

const DATA_TYPES: DataType[] = ['invoices', 'customers', 'suppliers', 'bills', 'payments', 'chartOfAccounts'];

describe('two workers on one store', () => {
  it('pull every data type of two connections of one company at once, each record stored exactly once', async () => {
    const tenant = await h.addTenant({ recordsPerDataType: 400, pageSize: 40 });
    const company = (await h.store.companies.getCompany(tenant.clientId, tenant.companyId))!;
    // Both connections read the same source (same seed): the same source ids arrive from both.
    const second = await h.store.companies.createConnection(company, 'sandbox', { recordsPerDataType: 400, pageSize: 40 });

    const queued = await Promise.all(
      [tenant.connectionId, second.id].flatMap((connectionId) =>
        DATA_TYPES.map((dataType) =>
          h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/${dataType}?connectionId=${connectionId}`, { apiKey: tenant.apiKey }),
        ),
      ),
    );
    expect(queued.map((r) => r.status)).toEqual(Array(12).fill(200));
    for (const { body } of queued) {
      const ended = await eventually(
        () => h.store.pullOperations.getById(body.id),
        (row) => row?.status === 'Complete' || row?.status.endsWith('Error') === true,
      );
      expect(ended?.status).toBe('Complete');
    }
    for (const connectionId of [tenant.connectionId, second.id]) {
      for (const dataType of DATA_TYPES) expect(await h.store.records.count(tenant.companyId, connectionId, dataType)).toBe(400);
    }

    // Both workers took part.
    const identities = new Set<string>();
    for (const connectionId of [tenant.connectionId, second.id]) {
      for (const dataType of DATA_TYPES) {
        const history = await h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ companyId: tenant.companyId, connectionId, dataType })).fetchHistory();
        for (const event of history.events ?? []) {
          const identity = event.activityTaskStartedEventAttributes?.identity;
          if (identity) identities.add(identity);
        }
      }
    }
    expect(identities.size, [...identities].join(', ')).toBe(2);
    expect(identities).toContain('worker-1');
  });

  it('commits the same page from several writers at once without deadlock, loss, duplicates or a regressed checkpoint', async () => {
    // What a stale activity racing its own retry looks like to the store: the same records, in any order. Only
    // one of the commits that saw the same checkpoint may move it; the others write nothing.
    const tenant = await h.addTenant();
    const pullOperationId = randomUUID();
    await h.store.pullOperations.createIfMissing({ id: pullOperationId, ...tenant, dataType: 'invoices', requestedAt: new Date().toISOString() });
    const writers = Array.from({ length: 4 }, () =>
      run(process.execPath, ['--import', 'tsx', 'test/support/commit-pages.ts', h.databaseUrl, pullOperationId, '5']),
    );
    const outputs = await Promise.all(writers);
    const committed = outputs.reduce((sum, { stdout }) => sum + Number(/committed (\d+)/.exec(stdout)![1]), 0);
    expect(await h.store.records.count(tenant.companyId, tenant.connectionId, 'invoices')).toBe(500);
    const row = await h.store.pullOperations.getById(pullOperationId);
    expect(row!.pages_committed).toBe(committed);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(5 * 4 * 2);
    expect(Number(row!.records_fetched)).toBe(committed * 500);
  });
});

describe('migrations', () => {
  it('are applied once when several processes start at the same moment', async () => {
    const database = await createTestDatabase();
    try {
      const stores = await Promise.all(Array.from({ length: 5 }, () => openStore(database.url, { poolSize: 2 })));
      const applied = await stores[0]!.db.selectFrom('kysely_migration' as never).selectAll().execute();
      expect(applied).toHaveLength(Object.keys(await migrationProvider.getMigrations()).length);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await database.drop();
    }
  });

  it('also run by a command', async () => {
    const database = await createTestDatabase();
    const migrate = () =>
      run(process.execPath, ['--import', 'tsx', 'src/bin/migrate.ts'], { env: { ...process.env, DATABASE_URL: database.url } });
    try {
      const names = Object.keys(await migrationProvider.getMigrations()).sort();
      expect((await migrate()).stdout).toMatch(new RegExp(`^Applied ${names.join(', ')} to `));
      expect((await migrate()).stdout).toMatch(/is up to date/);
    } finally {
      await database.drop();
    }
  });
});
