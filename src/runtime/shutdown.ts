import type { Logger } from 'pino';

type StopStep = () => Promise<void> | void;

/**
 * Runs `start`, then waits for SIGINT/SIGTERM (or for the promise `start` returns to settle) and runs the stop
 * steps `start` registered, newest first: the API stops taking requests before the worker drains, and the
 * worker before the store and the Temporal server it needs. A second signal exits at once.
 */
export async function runUntilSignal(
  logger: Logger,
  start: (onStop: (step: StopStep) => void) => Promise<Promise<unknown> | void>,
): Promise<void> {
  const steps: StopStep[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason }, 'stopping');
      for (const step of [...steps].reverse()) {
        try {
          await step();
        } catch (error) {
          logger.warn({ err: error }, 'a stop step failed');
        }
      }
      logger.info('stopped');
    })();
    return stopping;
  };
  let firstSignalAt = 0;
  // SIGHUP too: closing the terminal (or npm exiting before us) must not kill us without stopping our children.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A wrapper may relay the terminal's signal that we received already: only a later one means "hurry".
      if (stopping) {
        if (Date.now() - firstSignalAt > 1_000) process.exit(130);
        return;
      }
      firstSignalAt = Date.now();
      void stop(signal).then(() => process.exit(0));
    });
  }
  try {
    const running = await start((step) => steps.push(step));
    await running;
    await stop('finished');
  } catch (error) {
    logger.fatal({ err: error }, 'failed');
    await stop('error');
    process.exitCode = 1;
  }
}
