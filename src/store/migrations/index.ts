import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { syncSettings } from './0002-sync-settings.js';
import { connectionRefreshJobs } from './0003-connection-refresh-jobs.js';
import { rateLimits } from './0004-rate-limits.js';
import { pullEngine } from './0005-pull-engine.js';
import { webhooks } from './0006-webhooks.js';
import { schedules } from './0007-schedules.js';

// Versioned migrations in apply order. Names sort lexically; never rename or edit one that has shipped.
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-sync-settings': syncSettings,
  '0003-connection-refresh-jobs': connectionRefreshJobs,
  '0004-rate-limits': rateLimits,
  '0005-pull-engine': pullEngine,
  '0006-webhooks': webhooks,
  '0007-schedules': schedules,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
