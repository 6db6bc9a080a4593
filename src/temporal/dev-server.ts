import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { resolveTemporalCli } from './cli-path.js';
import { SEARCH_ATTRIBUTES } from './search-attributes.js';

export interface DevServerOptions {
  /** SQLite file for durable history; omit for an in-memory server (tests). */
  dbFile?: string;
  /**
   * Where to record the server's pid. A server left running by a process that was killed outright (SIGKILL)
   * would hold the ports and the database file; the next start finds it here and stops it first.
   */
  pidFile?: string;
  ip?: string;
  /** Frontend gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  namespace?: string;
  cliPath?: string;
  logger?: Logger;
  startTimeoutMs?: number;
}

export interface DevServer {
  /** host:port of the frontend, for clients and workers. */
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

/** Asks the OS for a port nobody listens on. */
export async function findFreePort(ip = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, ip);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts `temporal server start-dev` as a child process with Sluice's search attributes registered, and waits
 * until its frontend answers. The same launcher serves `npm start` (file-backed, with the Web UI) and the test
 * suite (in-memory, headless, free port).
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port || (await findFreePort(ip));
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  if (options.dbFile) {
    // WAL + synchronous=NORMAL: survives a crash of any process, and is several times faster than the default.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);

  if (options.pidFile) await stopStaleServer(options.pidFile, options.logger);
  const cli = resolveTemporalCli(options.cliPath);
  // Its own process group: a terminal's Ctrl-C reaches only us, so we stop the server last, after the worker
  // that needs it. If this process exits any other way, the exit hook takes the server down with it.
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const output: string[] = [];
  const remember = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 50) output.shift();
    options.logger?.debug({ temporal: text.trim() }, 'temporal dev server output');
  };
  if (options.pidFile && child.pid) writeFileSync(options.pidFile, String(child.pid));
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);

  const address = `${ip}:${port}`;
  try {
    await waitUntilServing(child, address, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stopChild(child);
    const detail = output.join('').trim().split('\n').slice(-10).join('\n');
    throw new Error(`${(error as Error).message}\n${cli} ${args.join(' ')}\n${detail}`, { cause: error });
  }
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}` : undefined,
    stop: async () => {
      await stopChild(child);
      if (options.pidFile) rmSync(options.pidFile, { force: true });
    },
  };
}

/** Stops the dev server a previous run recorded in `pidFile`, if that process is still a Temporal dev server. */
async function stopStaleServer(pidFile: string, logger: Logger | undefined): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  // Only a process that is really a dev server: a recycled pid may now belong to anything.
  const commandLine = Number.isInteger(pid) && pid > 0 ? spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' }).stdout ?? '' : '';
  if (commandLine.includes('server start-dev')) {
    logger?.warn({ pid }, 'stopping a Temporal dev server left running by an earlier start');
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilServing(child: ChildProcess, address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The Temporal dev server exited during start-up (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await sleep(200);
    }
  }
  throw new Error(`The Temporal dev server did not answer on ${address} within ${timeoutMs} ms: ${String(lastError)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}
