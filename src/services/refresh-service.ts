import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { type DataType, isInProgress, type PullOptions, typesToFetch } from '../domain/index.js';
import { type ConnectionRow, type PullOperationRow, pullOperationFields, type Store } from '../store/index.js';
import { startRefreshDataType } from '../temporal/refresh-data-type.js';
import { NotFoundError } from './errors.js';
import { type ListRequest, toListing } from './listing.js';
import { effectiveSyncSettings } from './sync-settings-service.js';

export interface RefreshServiceDeps {
  store: Store;
  temporal: Client;
  taskQueue: string;
  connectors: ConnectorRegistry;
  pullOptions: PullOptions;
}

export interface QueueDataTypeRequest {
  clientId: string;
  companyId: string;
  dataType: DataType;
  connectionId?: string;
  /** Read everything and flag deletions; unset: the data type's sync setting decides. */
  fullPull?: boolean;
}

/** Starts refreshes and reads their state. All state comes from the store and Temporal, never from a worker. */
export class RefreshService {
  constructor(private readonly deps: RefreshServiceDeps) {}

  /**
   * Queues a pull of one data type, or returns the pull already running for the same company, connection and
   * data type. The workflow is started first: if this process dies right after, the workflow still records
   * its pull operation itself.
   */
  async queueDataType(request: QueueDataTypeRequest): Promise<PullOperationRow> {
    const connection = await this.connectionFor(request);
    const { settings } = await effectiveSyncSettings(this.deps.store, request.clientId, request.companyId);
    const fullPull = request.fullPull ?? settings.find((s) => s.dataType === request.dataType)?.fullPull ?? false;
    // A run whose pull has just ended is still closing (one more workflow task): attaching to it would hand back
    // a finished pull. Wait for it to close and start afresh; more than a couple of rounds means something odd.
    for (let round = 0; ; round++) {
      const { pull, handle } = await this.startOrAttach({ ...request, fullPull }, connection);
      if (isInProgress(pull.status) || round >= 2) return pull;
      await Promise.race([handle.result().catch(() => undefined), sleep(10_000)]);
    }
  }

  /**
   * Codat's "refresh all": every data type whose sync setting has fetchOnFirstLink, on every linked connection
   * that offers it, started in syncOrder. Types already being pulled are joined, not started twice. Returns
   * the pull operations, which the 204 does not show but logs and tests can.
   */
  async queueAll(clientId: string, companyId: string): Promise<PullOperationRow[]> {
    await this.requireCompany(clientId, companyId);
    const { settings } = await effectiveSyncSettings(this.deps.store, clientId, companyId);
    const connections = (await this.deps.store.companies.listConnections(clientId, companyId)).filter((c) => c.status === 'Linked');
    const pulls: PullOperationRow[] = [];
    for (const dataType of typesToFetch(settings)) {
      const fullPull = settings.find((s) => s.dataType === dataType)?.fullPull ?? false;
      for (const connection of connections.filter((c) => this.offers(c, dataType))) {
        pulls.push((await this.startOrAttach({ clientId, companyId, dataType, fullPull }, connection)).pull);
      }
    }
    return pulls;
  }

  /** Whether the connection's connector, as this connection configures it, serves the data type. */
  private offers(connection: ConnectionRow, dataType: DataType): boolean {
    const connector = this.deps.connectors.get(connection.platform_key);
    if (!connector) return false;
    const params = connector.parameters.safeParse(JSON.parse(connection.parameters));
    // Invalid parameters: let the pull start and fail with a message that says what is wrong with them.
    const offered = params.success ? (connector.dataTypesOf?.(params.data) ?? connector.dataTypes) : connector.dataTypes;
    return offered.includes(dataType);
  }

  private async startOrAttach(request: QueueDataTypeRequest, connection: ConnectionRow) {
    const { store } = this.deps;
    const requestedAt = new Date().toISOString();
    const handle = await startRefreshDataType(this.deps.temporal, this.deps.taskQueue, {
      clientId: request.clientId,
      companyId: request.companyId,
      connectionId: connection.id,
      dataType: request.dataType,
      requestedAt,
      options: this.deps.pullOptions,
      fullPull: request.fullPull ?? false,
    });
    const pullOperationId = handle.firstExecutionRunId;
    await store.pullOperations.createIfMissing({
      id: pullOperationId,
      clientId: request.clientId,
      companyId: request.companyId,
      connectionId: connection.id,
      dataType: request.dataType,
      requestedAt,
    });
    const pull = await store.pullOperations.get(request.clientId, request.companyId, pullOperationId);
    if (!pull) throw new Error(`Pull operation ${pullOperationId} vanished right after it was recorded`);
    return { pull, handle };
  }

  async getPullOperation(clientId: string, companyId: string, pullOperationId: string): Promise<PullOperationRow> {
    await this.requireCompany(clientId, companyId);
    const pull = await this.deps.store.pullOperations.get(clientId, companyId, pullOperationId);
    if (!pull) throw new NotFoundError(`No dataset was found with ID ${pullOperationId}`);
    return pull;
  }

  /** A page of the company's pull operations, filtered by Codat's query language. Bad queries throw QueryError. */
  async listPullOperations(clientId: string, companyId: string, request: ListRequest) {
    // Checked before the company, so a malformed query is a 400 whatever the company.
    const listing = toListing(pullOperationFields, request, '-requested');
    await this.requireCompany(clientId, companyId);
    return this.deps.store.pullOperations.list(clientId, companyId, listing);
  }

  async dataStatus(clientId: string, companyId: string) {
    await this.requireCompany(clientId, companyId);
    return this.deps.store.pullOperations.listDataStatus(clientId, companyId);
  }

  private async requireCompany(clientId: string, companyId: string) {
    const company = await this.deps.store.companies.getCompany(clientId, companyId);
    if (!company) throw new NotFoundError(`No company was found with ID ${companyId}`);
    return company;
  }

  /** The connection to pull from: the one asked for, else the company's first linked one offering the type. */
  private async connectionFor(request: QueueDataTypeRequest): Promise<ConnectionRow> {
    await this.requireCompany(request.clientId, request.companyId);
    const connections = await this.deps.store.companies.listConnections(request.clientId, request.companyId);
    const offers = (c: ConnectionRow) => this.offers(c, request.dataType);
    if (request.connectionId) {
      const connection = connections.find((c) => c.id === request.connectionId);
      if (!connection) throw new NotFoundError(`Data connection ${request.connectionId} not found`);
      if (!offers(connection)) {
        throw new NotFoundError(`Datatype ${request.dataType} not supported by platform(s) ${connection.platform_key}`);
      }
      return connection;
    }
    const linked = connections.filter((c) => c.status === 'Linked');
    const connection = linked.find(offers);
    if (!connection) {
      const platforms = [...new Set(linked.map((c) => c.platform_key))].join(', ') || 'none (no linked connection)';
      throw new NotFoundError(`Datatype ${request.dataType} not supported by platform(s) ${platforms}`);
    }
    return connection;
  }
}
