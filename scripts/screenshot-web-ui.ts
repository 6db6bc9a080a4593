// Checks in a real browser that the Temporal Web UI tells the story of Sluice's runs, and saves the pictures:
//   npm run screenshot:ui                      (docs/web-ui-filtered.png and docs/web-ui-run.png)
//   npm run screenshot:ui -- /tmp/list.png     (/tmp/list.png and /tmp/web-ui-run.png)
//   SCREENSHOT_UI_KEEP=1 npm run screenshot:ui (then leaves everything up, to look around the Web UI yourself)
// It brings up everything in this process: a dev server with its Web UI on a free port, a SQLite store in a
// temp folder, a worker and the API. It seeds two companies with sandbox connections and refreshes both through
// the API: three data types of the first company's ledger connection and the whole of its shop connection (a
// connection refresh, whose bills answer 403, so that pull ends PermissionsError); the second company's `data/all`
// (a company refresh). Then headless Chromium (puppeteer-core; CHROMIUM_PATH, default /usr/bin/chromium, e.g.
// Debian's `chromium` package) opens the workflow list filtered by `CompanyId="<first company>"`, with Sluice's
// search attributes as columns, and saves it; and the failed run's User Metadata tab, which shows its summary. It fails, saying why, unless the list shows exactly the runs the server's visibility store has for
// that company, under those columns, and the run page shows the summary the run was started with.
// Everything it started (browser, API, worker, dev server, temp folder) is stopped or removed on success, on
// failure and on Ctrl-C.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createConnectorRegistry } from '../src/connectors/registry.js';
import type { SandboxSettings } from '../src/connectors/sandbox/index.js';
import type { DataType } from '../src/domain/index.js';
import { startApiServer } from '../src/runtime/api-server.js';
import { startWorker } from '../src/runtime/worker.js';
import { createClientWithApiKey } from '../src/services/api-keys.js';
import { openStore } from '../src/store/index.js';
import { connectClient } from '../src/temporal/connection.js';
import { findFreePort, startDevServer } from '../src/temporal/dev-server.js';
import { SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes.js';

// The page's globals that the functions run in the browser use (this project compiles without the DOM lib).
declare const window: { localStorage: { setItem(key: string, value: string): void } };
declare const document: {
  body: { innerText: string } | null;
  querySelector(selector: string): DomElement | null;
};
interface DomElement {
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  parentElement: DomElement | null;
}

const LIST_OUTPUT = resolve(process.argv[2] ?? 'docs/web-ui-filtered.png');
const RUN_OUTPUT = resolve(process.argv[3] ?? join(dirname(LIST_OUTPUT), 'web-ui-run.png'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Wide enough for the list's columns (it widens further if they need more), tall enough for a handful of rows. */
const VIEWPORT = { width: 1800, height: 560 };
const NAMESPACE = 'default';
const TASK_QUEUE = 'sluice-screenshot';
const ATTRIBUTE_NAMES = SEARCH_ATTRIBUTES.map((key) => key.name);
/**
 * What the Web UI (temporalio/ui, 2.4x) keeps in the browser's localStorage (its `persistStore`s), set before its
 * scripts run: the workflow list's columns per namespace (what its "configure columns" drawer edits: built-in
 * columns by label, custom search attributes by name), and the Saved Views panel folded away to leave the table
 * the width.
 */
const UI_SETTINGS: Record<string, unknown> = {
  'namespace-workflow-table-columns': {
    [NAMESPACE]: ['Status', 'Workflow ID', 'DataType', 'PullStatus', 'RefreshKind', 'ConnectionId', 'CompanyId', 'End'].map((label) => ({ label })),
  },
  savedQueryNavOpen: false,
};
const CLEANUP_TIMEOUT_MS = 20_000;

interface Seeded {
  name: string;
  apiKey: string;
  companyId: string;
  connectionIds: string[];
}

const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
const onCleanup = (what: string, run: () => Promise<unknown>) => cleanups.push({ what, run });

/** Stops what was started, newest first; one that hangs or fails does not keep the others running. */
async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    const { what, run } = cleanups.pop()!;
    try {
      const timedOut = await Promise.race([run().then(() => false), sleep(CLEANUP_TIMEOUT_MS).then(() => true)]);
      if (timedOut) console.error(`[screenshot:ui] ${what} did not stop within ${CLEANUP_TIMEOUT_MS / 1000} s; moving on`);
    } catch (error) {
      console.error(`[screenshot:ui] while stopping ${what}: ${(error as Error).message}`);
    }
  }
}

// Ctrl-C or a kill: stop what was started rather than leave a dev server or a browser behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[screenshot:ui] ${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

function step(message: string): void {
  console.log(`[screenshot:ui] ${message}`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install one (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
  // The SDK's INFO chatter (worker state, the bundler's report) is noise here; errors still show.
  Runtime.install({ logger: new DefaultLogger('ERROR') });

  const dir = await mkdtemp(join(tmpdir(), 'sluice-ui-'));
  onCleanup('the temp folder', () => rm(dir, { recursive: true, force: true }));

  const uiPort = await findFreePort();
  step('starting a Temporal dev server with its Web UI');
  const server = await startDevServer({ port: 0, uiPort });
  onCleanup('the dev server', () => server.stop());
  const uiUrl = server.uiUrl!;

  const store = await openStore(`sqlite:${join(dir, 'sluice.sqlite')}`);
  onCleanup('the store', () => store.close());
  const connectors = createConnectorRegistry();
  const temporalTarget = { address: server.address, namespace: NAMESPACE };

  step('starting a worker (bundling the workflows takes a few seconds)');
  const worker = await startWorker({ temporal: temporalTarget, taskQueue: TASK_QUEUE, store, connectors, identity: 'screenshot-worker' });
  onCleanup('the worker', () => worker.stop());
  const temporal = await connectClient(temporalTarget);
  onCleanup('the Temporal client', () => temporal.connection.close());
  const api = await startApiServer({
    config: {
      api: { host: '127.0.0.1', port: 0, serviceToken: undefined, rateLimitPerMinute: 0 },
      pull: { maxAttempts: 2, batchSeconds: 30, heartbeatTimeoutSeconds: 30 },
      temporal: { taskQueue: TASK_QUEUE },
    },
    store,
    temporal,
    connectors,
    logger: pino({ level: 'silent' }),
  });
  onCleanup('the API', () => api.close());

  const seed = async (name: string, connections: SandboxSettings[]): Promise<Seeded> => {
    const { client, apiKey } = await createClientWithApiKey(store, `${name} (screenshot)`);
    const company = await store.companies.createCompany(client.id, name);
    const connectionIds: string[] = [];
    for (const parameters of connections) connectionIds.push((await store.companies.createConnection(company, 'sandbox', parameters)).id);
    return { name, apiKey, companyId: company.id, connectionIds };
  };
  step('seeding two companies with sandbox connections');
  const acme = await seed('Acme Trading Ltd', [
    { recordsPerDataType: 300, pageSize: 50, seed: 'acme-ledger' },
    { recordsPerDataType: 200, pageSize: 50, seed: 'acme-shop', faults: [{ kind: 'permission', dataTypes: ['bills'] }] },
  ]);
  const globex = await seed('Globex Retail Ltd', [{ recordsPerDataType: 150, pageSize: 50, seed: 'globex' }]);
  const [acmeLedger, acmeShop] = acme.connectionIds as [string, string];

  step('refreshing both companies through the API');
  const post = async (company: Seeded, path: string, body?: unknown) => {
    const response = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(company.apiKey).toString('base64')}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`POST ${path} (${company.name}) answered ${response.status}: ${await response.text()}`);
  };
  const queue = (company: Seeded, connectionId: string, dataType: DataType) =>
    post(company, `/companies/${company.companyId}/data/queue/${dataType}?connectionId=${connectionId}`);
  for (const dataType of ['invoices', 'customers', 'payments'] as const) await queue(acme, acmeLedger, dataType);
  await post(acme, `/api/v1/connections/${acmeShop}/refresh`, {});
  await post(globex, `/companies/${globex.companyId}/data/all`);

  // At least: three data types and a connection refresh (which then starts a pull per data type); a company refresh.
  const acmeRuns = await waitUntilAllClosed(temporal, acme.companyId, 4);
  const globexRuns = await waitUntilAllClosed(temporal, globex.companyId, 1);
  for (const run of acmeRuns) step(`  ${acme.name}: ${run.workflowId} ${run.status.name}`);
  const failedRuns = acmeRuns.filter((run) => run.status.name === 'FAILED');
  // The page to show is a failed pull's: its summary names the data type, the company and the connection.
  const failed = failedRuns.find((run) => run.type === 'refreshDataType') ?? failedRuns[0];
  if (!failed) throw new Error(`Expected a run of ${acme.name} to fail (its shop connection answers 403 for bills), but none did`);
  const summary = await temporal.workflow.getHandle(failed.workflowId, failed.runId).describe().then((d) => d.staticSummary());
  if (!summary) throw new Error(`The failed run ${failed.workflowId} has no summary`);

  step('opening the Web UI in headless Chromium');
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    defaultViewport: VIEWPORT,
    // The cleanup above closes it; puppeteer's own signal handlers would kill it first and leave close() hanging.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup('the browser', () => browser.close());
  const page = await openPage(browser);
  await screenshotFilteredList(page, uiUrl, acme.companyId, acmeRuns, globexRuns);
  await screenshotRun(page, uiUrl, failed, summary);

  if (process.env.SCREENSHOT_UI_KEEP === '1') {
    step(`SCREENSHOT_UI_KEEP=1: leaving everything up; the Web UI is at ${uiUrl} (Ctrl-C stops it all)`);
    await new Promise(() => setInterval(() => {}, 60_000));
  }
}

/**
 * Waits until the visibility store, which the Web UI's list reads, has at least `atLeast` runs of the company and
 * none of them running (the same answer twice, so that runs a refresh is still starting are not missed).
 */
async function waitUntilAllClosed(temporal: Client, companyId: string, atLeast: number): Promise<WorkflowExecutionInfo[]> {
  const deadline = Date.now() + 120_000;
  let previous = '';
  let runs: WorkflowExecutionInfo[] = [];
  while (Date.now() < deadline) {
    runs = [];
    for await (const run of temporal.workflow.list({ query: `CompanyId="${companyId}"` })) runs.push(run);
    const settled = runs.length >= atLeast && runs.every((run) => run.status.name !== 'RUNNING');
    const fingerprint = runs.map((run) => `${run.runId}:${run.status.name}`).sort().join(',');
    if (settled && fingerprint === previous) return runs;
    previous = settled ? fingerprint : '';
    await sleep(500);
  }
  const states = runs.map((run) => `${run.workflowId} ${run.status.name}`).join('\n  ');
  throw new Error(`The runs of company ${companyId} did not all end within 120 s:\n  ${states || '(none)'}`);
}

async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument((settings: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(settings)) window.localStorage.setItem(key, JSON.stringify(value));
  }, UI_SETTINGS);
  return page;
}

async function screenshotFilteredList(
  page: Page,
  uiUrl: string,
  companyId: string,
  companyRuns: WorkflowExecutionInfo[],
  otherRuns: WorkflowExecutionInfo[],
): Promise<void> {
  const query = `CompanyId="${companyId}"`;
  const url = `${uiUrl}/namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent(query)}`;
  step(`loading ${url}`);
  await page.goto(url, { waitUntil: 'networkidle0', timeout: 60_000 });
  const expectedIds = [...new Set(companyRuns.map((run) => run.workflowId))];
  try {
    await page.waitForFunction((ids: string[]) => ids.every((id) => document.body!.innerText.includes(id)), { timeout: 30_000 }, expectedIds);
  } catch {
    throw new Error(`The list filtered by ${query} did not show the company's ${expectedIds.length} runs within 30 s; the page said:\n${await pageText(page)}`);
  }
  const text = await pageText(page);
  const leaked = otherRuns.map((run) => run.workflowId).filter((id) => text.includes(id));
  if (leaked.length) throw new Error(`The list filtered by ${query} also shows another company's runs: ${leaked.join(', ')}`);

  const headers = await page.$$eval('table thead th', (cells) => cells.map((cell) => (cell as unknown as { innerText: string }).innerText.trim()));
  const missing = ATTRIBUTE_NAMES.filter((name) => !headers.includes(name));
  if (missing.length) throw new Error(`The list's column headers lack ${missing.join(', ')}; they are: ${headers.filter(Boolean).join(' | ')}`);
  for (const value of ['Complete', 'PermissionsError']) {
    if (!text.includes(value)) throw new Error(`The list shows no run whose PullStatus is ${value}`);
  }
  step(`columns: ${headers.filter(Boolean).join(' | ')}`);

  await fitTable(page);
  await mkdir(dirname(LIST_OUTPUT), { recursive: true });
  await page.screenshot({ path: LIST_OUTPUT as `${string}.png`, fullPage: true });
  step(`saved ${LIST_OUTPUT}`);
}

/**
 * The table scrolls inside the page when its columns are wider, or its rows taller, than the window has room for:
 * grow the window instead, so that the picture has every column and every row.
 */
async function fitTable(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const overflow = await page.evaluate(() => {
      let element = document.querySelector('table');
      const most = { x: 0, y: 0 };
      while (element) {
        most.x = Math.max(most.x, element.scrollWidth - element.clientWidth);
        most.y = Math.max(most.y, element.scrollHeight - element.clientHeight);
        element = element.parentElement;
      }
      return most;
    });
    if (overflow.x <= 0 && overflow.y <= 0) return;
    const viewport = page.viewport() ?? VIEWPORT;
    await page.setViewport({
      ...viewport,
      width: viewport.width + (overflow.x > 0 ? overflow.x + 16 : 0),
      height: viewport.height + (overflow.y > 0 ? overflow.y + 16 : 0),
    });
    await sleep(500);
  }
}

/** The failed run's User Metadata tab: the summary it was started with, next to its status and ids. */
async function screenshotRun(page: Page, uiUrl: string, run: WorkflowExecutionInfo, summary: string): Promise<void> {
  const url = `${uiUrl}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(run.workflowId)}/${run.runId}/user-metadata`;
  step(`loading ${url}`);
  await page.setViewport({ ...VIEWPORT, height: 640 });
  await page.goto(url, { waitUntil: 'networkidle0', timeout: 60_000 });
  // The UI renders the summary as Markdown, in a sandboxed frame of its own.
  const deadline = Date.now() + 30_000;
  while (!(await framesText(page)).includes(summary)) {
    if (Date.now() > deadline) throw new Error(`The run page did not show the summary "${summary}" within 30 s; the page said:\n${await framesText(page)}`);
    await sleep(250);
  }
  await mkdir(dirname(RUN_OUTPUT), { recursive: true });
  await page.screenshot({ path: RUN_OUTPUT as `${string}.png`, fullPage: true });
  step(`saved ${RUN_OUTPUT}`);
}

/** The text of the page and of every frame in it. */
async function framesText(page: Page): Promise<string> {
  const texts = await Promise.all(page.frames().map((frame) => frame.evaluate(() => document.body?.innerText ?? '').catch(() => '')));
  return texts.join('\n');
}

async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => document.body!.innerText).catch((error: Error) => `(unreadable: ${error.message})`);
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(`[screenshot:ui] failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanUp();
}
