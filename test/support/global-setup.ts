import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { WORKFLOWS_PATH } from '../../src/temporal/worker.js';
import { type PostgresServer, startPostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    /** Set when this run tests the PostgreSQL store; unset for SQLite. */
    postgresUrl: string | undefined;
  }
}

/**
 * Starts one in-memory, headless dev server (unless TEMPORAL_ADDRESS names one) and bundles workflows once.
 * With SLUICE_TEST_STORE=postgres the whole suite runs on PostgreSQL: SLUICE_TEST_POSTGRES_URL's server, or an
 * embedded one started here.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-test-'));
  const store = process.env.SLUICE_TEST_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`SLUICE_TEST_STORE must be sqlite or postgres, not ${store}`);
  let postgres: PostgresServer | undefined;
  if (store === 'postgres' && !process.env.SLUICE_TEST_POSTGRES_URL) postgres = await startPostgresServer();
  const postgresUrl = store === 'postgres' ? (process.env.SLUICE_TEST_POSTGRES_URL ?? postgres!.url) : undefined;
  console.log(`Testing the ${store} store${postgresUrl ? ` at ${postgresUrl.replace(/\/\/[^@]*@/, '//')}` : ''}`);
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer({ port: 0 });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, code);
  project.provide('temporalAddress', process.env.TEMPORAL_ADDRESS ?? server!.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('postgresUrl', postgresUrl);
  return async () => {
    await server?.stop();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
