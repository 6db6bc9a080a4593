import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { CompanyRow, ConnectionRow, ConnectionStatus } from './schema.js';

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
    return this.db
      .selectFrom('connections')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('company_id', '=', companyId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** For activities: they act on ids the workflow was started with, after the API checked the tenant. */
  async getConnectionById(connectionId: string): Promise<ConnectionRow | undefined> {
    return this.db.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
  }
}
