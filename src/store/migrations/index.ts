import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';

// Versioned migrations in apply order. Names sort lexically; never rename or edit one that has shipped.
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
