import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import { pino, type Logger } from 'pino';

/** JSON logs for machines; readable lines when a person watches a terminal. */
export function createLogger(level: string, name = 'sluice'): Logger {
  const pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'production';
  return pino({
    name,
    level,
    ...(pretty && { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } }),
  });
}

const temporalLevels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Sends the Temporal SDK's logs (worker, workflow `log`, activity context) through the same pino logger. */
export function installTemporalLogger(logger: Logger): void {
  const child = logger.child({ component: 'temporal' });
  // The SDK's INFO lines (worker state changes, the bundler's full webpack report) are noise unless debugging.
  const level: LogLevel = logger.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(level, ({ level, message, meta }) => child[temporalLevels[level]](meta ?? {}, message)),
  });
}
