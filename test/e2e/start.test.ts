// `npm start` as a newcomer runs it: the all-in-one entry point with its file-backed Temporal dev server and
// Web UI, the printed curl, Ctrl-C, and a restart that finds everything again (also after a SIGKILL).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullOperation } from '../../src/api/wire.js';
import { openStore } from '../../src/store/index.js';
import { findFreePort } from '../../src/temporal/dev-server.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/harness.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Started {
  process: ChildProcess;
  banner: string;
  curl: string;
  authorization: string;
  companyId: string;
}

let dataDir: string;
let database: TestDatabase;
let ports: { api: number; temporal: number; ui: number };
let running: ChildProcess | undefined;

async function start(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/start.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      SLUICE_DATA_DIR: dataDir,
      // The embedded default in an SQLite run; DATABASE_URL=postgres://… switches everything in a postgres run.
      DATABASE_URL: database.url,
      API_PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
      return output;
    },
    (text) => text.includes('Press Ctrl-C to stop.'),
    90_000,
  );
  const curl = /curl -s -X POST[^\n]*\\\n[^\n]*/.exec(output)![0];
  return {
    process: child,
    banner: output,
    curl,
    authorization: /Authorization: (Basic [A-Za-z0-9+/=]+)/.exec(curl)![1]!,
    companyId: /companies\/([0-9a-f-]{36})\//.exec(curl)![1]!,
  };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
  running = undefined;
}

async function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function getPull(started: Started, id: string): Promise<PullOperation> {
  const res = await fetch(`http://127.0.0.1:${ports.api}/companies/${started.companyId}/data/history/${id}`, {
    headers: { Authorization: started.authorization },
  });
  return (await res.json()) as PullOperation;
}

async function workflowsOf(companyId: string) {
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  try {
    const client = new Client({ connection });
    const runs = [];
    for await (const run of client.workflow.list({ query: `CompanyId="${companyId}"` })) runs.push(run);
    return runs;
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-start-'));
  database = await createTestDatabase();
  ports = { api: await findFreePort(), temporal: await findFreePort(), ui: await findFreePort() };
});

afterAll(async () => {
  if (running) await stop(running, 'SIGINT');
  await rm(dataDir, { recursive: true, force: true });
  await database.drop();
});

describe('npm start', () => {
  let first: Started;
  let pullId: string;

  it('brings everything up; the printed curl starts a refresh that completes', async () => {
    first = await start();
    expect(first.banner).toContain(`Temporal UI  http://127.0.0.1:${ports.ui}`);
    const queued = JSON.parse(execFileSync('sh', ['-c', first.curl.replace('\\\n', ' ')], { encoding: 'utf8' })) as PullOperation;
    expect(queued).toMatchObject({ companyId: first.companyId, dataType: 'invoices', status: 'Queued' });
    pullId = queued.id;
    const ended = await eventually(() => getPull(first, pullId), (p) => p.status !== 'Queued' && p.status !== 'Fetching');
    expect(ended).toMatchObject({ status: 'Complete', progress: 100, isCompleted: true });
  });

  it('serves the Web UI and lists the run with its search attributes', async () => {
    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
    // Visibility is eventually consistent: the list catches up with the run's last search-attribute update.
    const runs = await eventually(() => workflowsOf(first.companyId), (r) => r.length === 1 && r[0]!.status.name === 'COMPLETED');
    expect(runs[0]!.runId).toBe(pullId);
    expect(runs[0]!.searchAttributes).toMatchObject({ CompanyId: [first.companyId], DataType: ['invoices'], PullStatus: ['Complete'] });
  });

  it('stops cleanly on Ctrl-C, leaving no Temporal server behind', async () => {
    await stop(first.process, 'SIGINT');
    expect(first.process.exitCode).toBe(0);
    expect(await refusesConnections(ports.temporal)).toBe(true);
    expect(await refusesConnections(ports.ui)).toBe(true);
    expect(existsSync(join(dataDir, 'temporal.pid'))).toBe(false);
  });

  it('finds the same company, pull operation, records and history after a restart', async () => {
    const second = await start();
    expect(second.companyId).toBe(first.companyId);
    expect(second.authorization).toBe(first.authorization);
    expect(await getPull(second, pullId)).toMatchObject({ id: pullId, status: 'Complete' });
    const runs = await workflowsOf(first.companyId);
    expect(runs.map((r) => [r.runId, r.status.name])).toEqual([[pullId, 'COMPLETED']]);

    // Killed outright, it cannot stop its children; the next start clears the stale server and carries on.
    await stop(second.process, 'SIGKILL');
    const third = await start();
    expect(await getPull(third, pullId)).toMatchObject({ status: 'Complete' });
    await stop(third.process, 'SIGINT');
    expect(await refusesConnections(ports.temporal)).toBe(true);

    const store = await openStore(database.url);
    try {
      const pull = await store.pullOperations.getById(pullId);
      expect(await store.records.count(first.companyId, pull!.connection_id, 'invoices')).toBe(1_000);
    } finally {
      await store.close();
    }
  });
});
