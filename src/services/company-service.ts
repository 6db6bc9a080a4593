import type { ConnectorRegistry } from '../connectors/registry.js';
import { type CompanyRow, companyFields, type ConnectionRow, connectionFields, type Store } from '../store/index.js';
import { InvalidRequestError, NotFoundError } from './errors.js';
import { type ListRequest, toListing } from './listing.js';
import type { RefreshService } from './refresh-service.js';
import type { ScheduleService } from './schedule-service.js';

export interface CompanyWithConnections {
  company: CompanyRow;
  connections: ConnectionRow[];
}

/** Companies and their connections, always within one client. */
export class CompanyService {
  constructor(
    private readonly store: Store,
    private readonly connectors: ConnectorRegistry,
    /** Creates and deletes companies' Temporal Schedules with them; unset, companies have none. */
    private readonly schedules?: ScheduleService,
    /** Stops a company's running refreshes before it is deleted. */
    private readonly refreshes?: Pick<RefreshService, 'cancelCompanyRefreshes'>,
  ) {}

  /** Creates the company and the schedules its (client's) sync settings call for; without them, no company either. */
  async create(clientId: string, name: string, description?: string): Promise<CompanyWithConnections> {
    const company = await this.store.companies.createCompany(clientId, name, description ?? null);
    try {
      await this.schedules?.syncCompany(clientId, company.id);
    } catch (error) {
      await this.schedules?.deleteCompanySchedules(company.id).catch(() => undefined);
      await this.store.companies.deleteCompany(clientId, company.id);
      throw error;
    }
    return { company, connections: [] };
  }

  async list(clientId: string, request: ListRequest) {
    const { rows, total } = await this.store.companies.listCompanies(clientId, toListing(companyFields, request, 'created'));
    const connections = await this.store.companies.connectionsOf(clientId, rows.map((c) => c.id));
    return { total, rows: rows.map((company) => ({ company, connections: connections.filter((c) => c.company_id === company.id) })) };
  }

  async get(clientId: string, companyId: string): Promise<CompanyWithConnections> {
    const company = await this.store.companies.getCompany(clientId, companyId);
    if (!company) throw new NotFoundError(`No company was found with ID ${companyId}`);
    return { company, connections: await this.store.companies.listConnections(clientId, companyId) };
  }

  /**
   * Deletes the company's schedules and stops its running refreshes first: if that fails, the company stays,
   * and deleting it again finishes the job.
   */
  async delete(clientId: string, companyId: string): Promise<void> {
    if (!(await this.store.companies.getCompany(clientId, companyId))) throw new NotFoundError(`No company was found with ID ${companyId}`);
    await this.schedules?.deleteCompanySchedules(companyId);
    await this.refreshes?.cancelCompanyRefreshes(companyId);
    if (!(await this.store.companies.deleteCompany(clientId, companyId))) throw new NotFoundError(`No company was found with ID ${companyId}`);
  }

  /** Links a connection to a connector. Its parameters are checked by that connector now, not at the first pull. */
  async createConnection(clientId: string, companyId: string, platformKey: string, parameters: Record<string, unknown> = {}): Promise<ConnectionRow> {
    const { company } = await this.get(clientId, companyId);
    const connector = this.connectors.get(platformKey);
    if (!connector) throw new InvalidRequestError(`Unknown platformKey "${platformKey}". Available: ${[...this.connectors.keys()].join(', ')}`);
    const parsed = connector.parameters.safeParse(parameters);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `parameters.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new InvalidRequestError(`Invalid parameters for ${platformKey}. ${problems}`);
    }
    return this.store.companies.createConnection(company, platformKey, parameters);
  }

  async listConnections(clientId: string, companyId: string, request: ListRequest) {
    const listing = toListing(connectionFields, request, 'created');
    await this.get(clientId, companyId);
    return this.store.companies.pageOfConnections(clientId, companyId, listing);
  }

  async getConnection(clientId: string, companyId: string, connectionId: string): Promise<ConnectionRow> {
    await this.get(clientId, companyId);
    const connection = await this.store.companies.getClientConnection(clientId, connectionId);
    if (connection?.company_id !== companyId) throw new NotFoundError(`Data connection ${connectionId} not found`);
    return connection;
  }

  async unlinkConnection(clientId: string, companyId: string, connectionId: string): Promise<ConnectionRow> {
    const connection = await this.getConnection(clientId, companyId, connectionId);
    await this.store.companies.setConnectionStatus(connection.id, 'Unlinked');
    return { ...connection, status: 'Unlinked' };
  }

  async deleteConnection(clientId: string, companyId: string, connectionId: string): Promise<void> {
    const connection = await this.getConnection(clientId, companyId, connectionId);
    await this.store.companies.deleteConnection(connection.id);
  }
}
