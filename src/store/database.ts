import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Db;
  dialect: Dialect;
}

/**
 * Opens the store a URL names: `sqlite:<path>` (`sqlite::memory:` for a throwaway one) for the embedded
 * default, `postgres://…` for PostgreSQL. Everything above this module is the same for both.
 */
export function openDatabase(databaseUrl: string, options: { poolSize?: number } = {}): OpenDatabase {
  if (databaseUrl.startsWith('sqlite:')) return { db: openSqlite(databaseUrl.slice('sqlite:'.length)), dialect: 'sqlite' };
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { db: openPostgres(databaseUrl, options.poolSize ?? 10), dialect: 'postgres' };
  throw new Error(`Unsupported DATABASE_URL "${redactDatabaseUrl(databaseUrl)}": use sqlite:<path> or postgres://user:password@host/db`);
}

function openSqlite(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets the API read while a worker writes; NORMAL is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Several processes (API, workers) may share the file: wait for a writer instead of failing with SQLITE_BUSY.
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function openPostgres(connectionString: string, max: number): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max }) }) });
}

// Any fixed number works, as long as nothing else in the database uses it for an advisory lock.
const MIGRATION_LOCK_ID = 7_330_214_001;

/**
 * Applies every pending migration. Safe when several processes start at once: on PostgreSQL they queue on an
 * advisory lock (Kysely's own lock table cannot help while that table is itself being created); on SQLite,
 * whose file lock does the queuing, a start that loses the race retries once the winner is done.
 */
export async function migrateToLatest({ db, dialect }: OpenDatabase): Promise<string[]> {
  if (dialect === 'postgres') {
    return db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(connection);
      try {
        return await runMigrations(connection);
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(connection);
      }
    });
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await runMigrations(db);
    } catch (error) {
      const message = String((error as Error)?.message);
      if (attempt >= 20 || !/SQLITE_BUSY|database is locked|already exists/.test(`${(error as { code?: string }).code} ${message}`)) throw error;
      await sleep(100 * attempt);
    }
  }
}

async function runMigrations(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
