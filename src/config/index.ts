// Configuration comes from the environment only, validated once at start-up: a bad value stops the process
// with a message naming the variable, rather than surfacing later as an odd failure.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { WebhookRetryOptions } from '../domain/events.js';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  SLUICE_DATA_DIR: z.string().default('.sluice-data'),
  DATABASE_URL: z.string().optional(),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('sluice-refresh'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().optional(),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  SERVICE_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SERVICE_TOKEN_JWKS_URL: z.url().optional(),
  SERVICE_TOKEN_AUDIENCE: z.string().default('sluice'),
  SERVICE_TOKEN_ISSUER: z.string().optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  PULL_MAX_ATTEMPTS: positiveInt.default(5),
  PULL_BATCH_SECONDS: positiveInt.default(30),
  PULL_HEARTBEAT_TIMEOUT_SECONDS: positiveInt.default(30),
  SCHEDULES_ENABLED: z.enum(['true', 'false']).default('true'),
  WEBHOOK_MAX_ATTEMPTS: positiveInt.default(8),
  WEBHOOK_TIMEOUT_SECONDS: positiveInt.default(10),
});

export type Env = z.infer<typeof envSchema>;

/** How Bearer JWT service tokens are verified; unset means they are not accepted. */
export interface ServiceTokenConfig {
  /** HMAC secret (HS256/384/512), or … */
  secret?: string | undefined;
  /** … a JWKS endpoint for asymmetric keys. */
  jwksUrl?: string | undefined;
  audience: string;
  issuer?: string | undefined;
}

export interface Config {
  dataDir: string;
  /** `sqlite:<path>` for the embedded store, or a `postgres://` URL. */
  databaseUrl: string;
  api: {
    host: string;
    port: number;
    serviceToken: ServiceTokenConfig | undefined;
    /** Requests per client per minute, across all API processes; 0 turns limiting off. */
    rateLimitPerMinute: number;
  };
  logLevel: Env['LOG_LEVEL'];
  temporal: {
    /** Set: connect to this server. Unset: the all-in-one start launches a dev server. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    devServer: { port: number; uiPort: number; cliPath: string | undefined };
    workflowBundlePath: string | undefined;
  };
  pull: {
    /** Attempts per pull activity before a transient upstream error ends the pull. */
    maxAttempts: number;
    /** How long one pull activity runs before handing its checkpoint back to the workflow. */
    batchSeconds: number;
    /** How long a silent pull activity (a crashed worker) goes unnoticed before it is retried elsewhere. */
    heartbeatTimeoutSeconds: number;
  };
  /** Webhook deliveries: attempts in all (backoff from 1 s, doubling, to 10 min apart) and each POST's timeout. */
  webhooks: Pick<WebhookRetryOptions, 'maximumAttempts' | 'timeoutMs'>;
  /** Whether companies' sync settings are kept as Temporal Schedules (created, updated and deleted with them). */
  schedulesEnabled: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`FOO=` in a compose file or a shell) means "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.SLUICE_DATA_DIR);
  return {
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'sluice.sqlite')}`,
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      serviceToken:
        e.SERVICE_TOKEN_SECRET || e.SERVICE_TOKEN_JWKS_URL
          ? { secret: e.SERVICE_TOKEN_SECRET, jwksUrl: e.SERVICE_TOKEN_JWKS_URL, audience: e.SERVICE_TOKEN_AUDIENCE, issuer: e.SERVICE_TOKEN_ISSUER }
          : undefined,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    },
    logLevel: e.LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devServer: { port: e.TEMPORAL_PORT, uiPort: e.TEMPORAL_UI_PORT, cliPath: e.TEMPORAL_CLI_PATH },
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    },
    pull: { maxAttempts: e.PULL_MAX_ATTEMPTS, batchSeconds: e.PULL_BATCH_SECONDS, heartbeatTimeoutSeconds: e.PULL_HEARTBEAT_TIMEOUT_SECONDS },
    webhooks: { maximumAttempts: e.WEBHOOK_MAX_ATTEMPTS, timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1_000 },
    schedulesEnabled: e.SCHEDULES_ENABLED === 'true',
  };
}
