// Determinism guard: histories recorded from real runs are replayed against the current workflow code. A change
// that would break running workflows fails here. After a deliberate, patched() change, record new fixtures with
//   RECORD_HISTORIES=1 npx vitest run test/replay.test.ts
// and commit them next to the old ones (keep the old ones: workflows started by old code must still replay).
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import type { PullOperation } from '../src/api/wire.js';
import { resolveTemporalCli } from '../src/temporal/cli-path.js';
import { refreshCompanyWorkflowId } from '../src/temporal/refresh-company.js';
import { refreshDataTypeWorkflowId } from '../src/temporal/refresh-data-type.js';
import { eventually, startHarness } from './support/harness.js';
import { quietTemporalRuntime } from './support/temporal-runtime.js';

const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));

// Writes a fixture once: existing ones are kept, since workflows started by old code must still replay.
async function record(workflowId: string, name: string): Promise<void> {
  const path = `${historiesDir}${name}.json`;
  if (await stat(path).then(() => true, () => false)) return;
  // The CLI's JSON is the format Temporal documents for replay fixtures.
  const json = execFileSync(resolveTemporalCli(), ['workflow', 'show', '--address', inject('temporalAddress'), '--workflow-id', workflowId, '--output', 'json']);
  await writeFile(path, json);
}

describe.runIf(process.env.RECORD_HISTORIES === '1')('recording histories', () => {
  it('records completed, failed and cancelled pulls, and a company refresh', async () => {
    const h = await startHarness({ sandbox: { recordsPerDataType: 120, pageSize: 50 } });
    try {
      const failing = await h.addTenant({ faults: [{ kind: 'malformed', afterPages: 1, message: 'Ledger closed for year-end maintenance' }] });
      for (const [tenant, dataType, name] of [
        [h.tenant, 'invoices', 'refresh-data-type-complete'],
        [failing, 'payments', 'refresh-data-type-fetch-error'],
      ] as const) {
        const queued = await h.request<PullOperation>('POST', `/companies/${tenant.companyId}/data/queue/${dataType}`, { apiKey: tenant.apiKey });
        const handle = h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...tenant, dataType }));
        await eventually(() => handle.describe(), (d) => d.status.name !== 'RUNNING');
        expect(queued.status).toBe(200);
        await record(handle.workflowId, name);
      }

      const slow = await h.addTenant({ recordsPerDataType: 1_000, pageSize: 10, latencyMs: 100 });
      const queued = await h.request<PullOperation>('POST', `/companies/${slow.companyId}/data/queue/bills`, { apiKey: slow.apiKey });
      await eventually(() => h.store.pullOperations.getById(queued.body.id), (p) => (p?.pages_committed ?? 0) >= 2);
      await h.request('POST', `/companies/${slow.companyId}/data/history/${queued.body.id}/cancel`, { apiKey: slow.apiKey });
      const cancelled = h.temporal.workflow.getHandle(refreshDataTypeWorkflowId({ ...slow, dataType: 'bills' }));
      await eventually(() => cancelled.describe(), (d) => d.status.name !== 'RUNNING');
      await record(cancelled.workflowId, 'refresh-data-type-cancelled');

      const company = await h.addTenant({ recordsPerDataType: 20, pageSize: 10, faults: [{ kind: 'malformed', dataTypes: ['suppliers'] }] });
      expect((await h.request('POST', `/companies/${company.companyId}/data/all`, { apiKey: company.apiKey })).status).toBe(204);
      const refresh = h.temporal.workflow.getHandle(refreshCompanyWorkflowId(company.companyId));
      await refresh.result();
      await record(refresh.workflowId, 'refresh-company-with-prerequisite-not-met');
    } finally {
      await h.close();
    }
  });
});

describe('replaying recorded histories', async () => {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();

  it('has fixtures to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    quietTemporalRuntime();
    // The worker accepts the CLI's JSON as it is and decodes it with its own protobuf types.
    const history: unknown = JSON.parse(await readFile(`${historiesDir}${file}`, 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history),
    ).resolves.toBeUndefined();
  });
});
