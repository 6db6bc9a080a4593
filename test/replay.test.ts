// Determinism guard: histories recorded from real runs are replayed against the current workflow code. A change
// that would break running workflows fails here. After a deliberate, patched() change, record new fixtures with
//   RECORD_HISTORIES=1 npx vitest run test/replay.test.ts
// and commit them next to the old ones (keep the old ones: workflows started by old code must still replay).
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import type { PullOperation } from '../src/api/wire.js';
import { resolveTemporalCli } from '../src/temporal/cli-path.js';
import { refreshDataTypeWorkflowId } from '../src/temporal/refresh-data-type.js';
import { eventually, startHarness } from './support/harness.js';
import { quietTemporalRuntime } from './support/temporal-runtime.js';

const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));

describe.runIf(process.env.RECORD_HISTORIES === '1')('recording histories', () => {
  it('records a completed pull and a failed one', async () => {
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
        // The CLI's JSON is the format Temporal documents for replay fixtures.
        const json = execFileSync(resolveTemporalCli(), [
          'workflow', 'show', '--address', inject('temporalAddress'), '--workflow-id', handle.workflowId, '--output', 'json',
        ]);
        await writeFile(`${historiesDir}${name}.json`, json);
      }
    } finally {
      await h.close();
    }
  });
});

describe('replaying recorded histories', async () => {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();

  it('has fixtures to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
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
