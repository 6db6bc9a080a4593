import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { ClientRow } from './schema.js';

/** Clients (tenants) and their API keys. Keys arrive here already hashed. */
export class TenantStore {
  constructor(private readonly db: Db) {}

  async createClient(name: string): Promise<ClientRow> {
    const row = { id: randomUUID(), name, created_at: new Date().toISOString() };
    await this.db.insertInto('clients').values(row).execute();
    return row;
  }

  async addApiKey(clientId: string, keyHash: string, name: string): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ id: randomUUID(), client_id: clientId, key_hash: keyHash, name, created_at: new Date().toISOString() })
      .execute();
  }

  async getClient(clientId: string): Promise<ClientRow | undefined> {
    return this.db.selectFrom('clients').selectAll().where('id', '=', clientId).executeTakeFirst();
  }

  async findClientByKeyHash(keyHash: string): Promise<ClientRow | undefined> {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('clients', 'clients.id', 'api_keys.client_id')
      .select(['clients.id', 'clients.name', 'clients.created_at'])
      .where('api_keys.key_hash', '=', keyHash)
      .executeTakeFirst();
  }
}
