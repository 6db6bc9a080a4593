// Peak worker RSS while pulling sandbox records, a small pull (the baseline) and a big one side by side:
//   npm run bench:memory                       (100,000 then 1,000,000 records)
//   BENCH_PULL_RECORDS=2000000 npm run bench:memory
// Each pull runs in a fresh worker process (`src/bin/worker.ts`, as operators run it) against a headless
// dev server and a SQLite store; RSS is sampled from /proc every 200 ms. Memory is flat when the big pull's
// peak is about the small one's, whatever the records.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createClientWithApiKey } from '../src/services/api-keys.js';
import { openStore } from '../src/store/index.js';
import { connectClient } from '../src/temporal/connection.js';
import { startDevServer } from '../src/temporal/dev-server.js';
import { startRefreshDataType } from '../src/temporal/refresh-data-type.js';
import { WORKFLOWS_PATH } from '../src/temporal/worker.js';
import { startWorkerProcess } from '../test/support/worker-process.js';

const BASELINE_RECORDS = Number(process.env.BENCH_BASELINE_RECORDS ?? 100_000);
const RECORDS = Number(process.env.BENCH_PULL_RECORDS ?? 1_000_000);
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 1_000);
const MB = 1024 * 1024;

const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
const server = await startDevServer({ port: 0 });
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } });
const workflowBundlePath = join(dir, 'workflow-bundle.js');
await writeFile(workflowBundlePath, code);
const databaseUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
const store = await openStore(databaseUrl);
const temporal = await connectClient({ address: server.address, namespace: 'default' });

interface Run {
  records: number;
  seconds: number;
  startRssMb: number;
  peakRssMb: number;
}

async function pull(records: number): Promise<Run> {
  const { client } = await createClientWithApiKey(store, `bench ${records}`);
  const company = await store.companies.createCompany(client.id, `Bench ${records}`);
  const connection = await store.companies.createConnection(company, 'sandbox', { recordsPerDataType: records, pageSize: PAGE_SIZE, seed: randomUUID() });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await startWorkerProcess({ databaseUrl, temporalAddress: server.address, taskQueue, workflowBundlePath });
  const startRss = await worker.rss();
  let peak = startRss;
  const sampler = setInterval(() => {
    worker.rss().then((rss) => (peak = Math.max(peak, rss)), () => {});
  }, 200);
  const started = performance.now();
  const handle = await startRefreshDataType(temporal, taskQueue, {
    clientId: client.id,
    companyId: company.id,
    connectionId: connection.id,
    dataType: 'invoices',
    requestedAt: new Date().toISOString(),
    options: { maxAttempts: 3, batchSeconds: 30, heartbeatTimeoutSeconds: 30 },
  });
  const result = await handle.result();
  const seconds = (performance.now() - started) / 1_000;
  clearInterval(sampler);
  await worker.stop();
  if (result.recordsFetched !== records) throw new Error(`Pulled ${result.recordsFetched} records, expected ${records}`);
  return { records, seconds, startRssMb: startRss / MB, peakRssMb: peak / MB };
}

try {
  const runs = [await pull(BASELINE_RECORDS), await pull(RECORDS)];
  console.log(`Worker RSS while pulling sandbox invoices (pages of ${PAGE_SIZE}, SQLite store, one worker process)`);
  console.log('| records | time | records/s | RSS at start | peak RSS | peak vs baseline |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const run of runs) {
    console.log(
      `| ${run.records.toLocaleString('en')} | ${run.seconds.toFixed(1)} s | ${Math.round(run.records / run.seconds).toLocaleString('en')} | ` +
        `${run.startRssMb.toFixed(0)} MB | ${run.peakRssMb.toFixed(0)} MB | ${(run.peakRssMb / runs[0]!.peakRssMb).toFixed(2)}x |`,
    );
  }
} finally {
  await temporal.connection.close();
  await store.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
