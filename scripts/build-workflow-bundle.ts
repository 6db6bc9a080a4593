// Pre-bundles the workflow code for production, as temporalio/samples-typescript's `production/` does: workers
// then start in milliseconds instead of running webpack. Point WORKFLOW_BUNDLE_PATH at the output.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../src/temporal/worker.js';

const output = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
await mkdir(dirname(output), { recursive: true });
await writeFile(output, code);
console.log(`Workflow bundle written to ${output} (${(code.length / 1024).toFixed(0)} KiB)`);
