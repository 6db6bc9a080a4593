import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { WORKFLOWS_PATH } from '../../src/temporal/worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/** Starts one in-memory, headless dev server (unless TEMPORAL_ADDRESS names one) and bundles workflows once. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-test-'));
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer({ port: 0 });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, code);
  project.provide('temporalAddress', process.env.TEMPORAL_ADDRESS ?? server!.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
