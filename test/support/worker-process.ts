import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resident set size now, in bytes (Linux /proc). */
  rss(): Promise<number>;
  /** Settles with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  /** Sends SIGTERM (a graceful stop) and waits for the exit. */
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  workflowBundlePath: string;
  env?: Record<string, string>;
}

/** `npm run start:worker` as its own process, as an operator runs it; stderr is passed through for diagnosis. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      WORKFLOW_BUNDLE_PATH: options.workflowBundlePath,
      ...options.env,
      // Readiness is read from the info-level "worker polling" line.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  // Ready once it says it polls.
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker polling')) resolve();
    });
    void exited.then((how) => reject(new Error(`Worker process exited (${how}) before polling:\n${output}`)));
  });
  child.stdout!.resume();
  return {
    child,
    exited,
    async rss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
