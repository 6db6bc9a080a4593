import { randomUUID } from 'node:crypto';
import type { QueryableResource } from '../query/index.js';
import type { Db } from './database.js';
import { type Listing, listPage } from './listing.js';
import type { CompanyRow, ConnectionRow, ConnectionStatus } from './schema.js';

/** What `query` and `orderBy` may name on companies. */
export const companyFields: QueryableResource = {
  name: 'Company',
  fields: {
    id: { column: 'companies.id', type: 'string' },
    name: { column: 'companies.name', type: 'string' },
    description: { column: 'companies.description', type: 'string' },
    created: { column: 'companies.created_at', type: 'date' },
  },
};

/** What `query` and `orderBy` may name on a company's connections. */
export const connectionFields: QueryableResource = {
  name: 'DataConnection',
  fields: {
    id: { column: 'connections.id', type: 'string' },
    integrationKey: { column: 'connections.platform_key', type: 'string' },
    status: { column: 'connections.status', type: 'string' },
    created: { column: 'connections.created_at', type: 'date' },
    lastSync: { column: 'connections.last_sync', type: 'date' },
  },
};

/** Companies and their connections. Every read is scoped to one client: another client's rows do not exist. */
export class CompanyStore {
  constructor(private readonly db: Db) {}

  async createCompany(clientId: string, name: string, description: string | null = null): Promise<CompanyRow> {
    const row = { id: randomUUID(), client_id: clientId, name, description, created_at: new Date().toISOString() };
    await this.db.insertInto('companies').values(row).execute();
    return row;
  }

  async getCompany(clientId: string, companyId: string): Promise<CompanyRow | undefined> {
    return this.db
      .selectFrom('companies')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('id', '=', companyId)
      .executeTakeFirst();
  }

  async listCompanies(clientId: string, listing: Listing): Promise<{ rows: CompanyRow[]; total: number }> {
    const rows = this.db.selectFrom('companies').where('companies.client_id', '=', clientId);
    return listPage(rows, listing, 'companies.id', (q) => q.selectAll());
  }

  /** Deletes the company with everything it owns (connections, pull operations, records). */
  async deleteCompany(clientId: string, companyId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('companies').where('client_id', '=', clientId).where('id', '=', companyId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async createConnection(
    company: CompanyRow,
    platformKey: string,
    parameters: Record<string, unknown>,
    status: ConnectionStatus = 'Linked',
  ): Promise<ConnectionRow> {
    const row: ConnectionRow = {
      id: randomUUID(),
      client_id: company.client_id,
      company_id: company.id,
      platform_key: platformKey,
      status,
      parameters: JSON.stringify(parameters),
      created_at: new Date().toISOString(),
      last_sync: null,
    };
    await this.db.insertInto('connections').values(row).execute();
    return row;
  }

  async listConnections(clientId: string, companyId: string): Promise<ConnectionRow[]> {
    return this.connectionsOf(clientId, [companyId]);
  }

  /** One page of a company's connections, and how many match in all. */
  async pageOfConnections(clientId: string, companyId: string, listing: Listing): Promise<{ rows: ConnectionRow[]; total: number }> {
    const rows = this.db.selectFrom('connections').where('connections.client_id', '=', clientId).where('connections.company_id', '=', companyId);
    return listPage(rows, listing, 'connections.id', (q) => q.selectAll());
  }

  /** The connections of several companies of one client, for listing companies with their connections. */
  async connectionsOf(clientId: string, companyIds: readonly string[]): Promise<ConnectionRow[]> {
    if (companyIds.length === 0) return [];
    return this.db
      .selectFrom('connections')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('company_id', 'in', companyIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async setConnectionParameters(connectionId: string, parameters: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('connections').set({ parameters: JSON.stringify(parameters) }).where('id', '=', connectionId).execute();
  }

  /** A connection of one client, by id alone (callers that name a company check it matches). */
  async getClientConnection(clientId: string, connectionId: string): Promise<ConnectionRow | undefined> {
    return this.db.selectFrom('connections').selectAll().where('client_id', '=', clientId).where('id', '=', connectionId).executeTakeFirst();
  }

  async setConnectionStatus(connectionId: string, status: ConnectionStatus): Promise<void> {
    await this.db.updateTable('connections').set({ status }).where('id', '=', connectionId).execute();
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await this.db.deleteFrom('connections').where('id', '=', connectionId).execute();
  }

  /** For activities: they act on ids the workflow was started with, after the API checked the tenant. */
  async getConnectionById(connectionId: string): Promise<ConnectionRow | undefined> {
    return this.db.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
  }
}
