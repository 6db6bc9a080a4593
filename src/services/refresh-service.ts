import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type ConnectorRegistry, offeredDataTypes } from '../connectors/registry.js';
import { type DataType, isInProgress, type PullOptions } from '../domain/index.js';
import { type ConnectionRow, type PullOperationRow, pullOperationFields, type Store } from '../store/index.js';
import { refreshCompanyWorkflowId, startRefreshCompany } from '../temporal/refresh-company.js';
import { cancelPullWorkflow } from '../temporal/refresh-data-type.js';
import { startOrJoinPull } from '../temporal/start-or-join-pull.js';
import { ConflictError, NotFoundError } from './errors.js';
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
    return startOrJoinPull({ client: this.deps.temporal, taskQueue: this.deps.taskQueue }, this.deps.store, {
      clientId: request.clientId,
      companyId: request.companyId,
      connectionId: connection.id,
      dataType: request.dataType,
      options: this.deps.pullOptions,
      fullPull,
    });
  }

  /**
   * Codat's "refresh all" (and company scopes): one `refreshCompany` run pulls every data type whose sync
   * setting has fetchOnFirstLink (or the ones given) on every linked connection that offers it, in syncOrder,
   * with bounded concurrency and prerequisites. A company refresh already running is joined, and so is any
   * data type already being pulled. Returns the run's workflow id.
   */
  async queueAll(clientId: string, companyId: string, dataTypes?: DataType[]): Promise<{ workflowId: string }> {
    await this.requireCompany(clientId, companyId);
    const handle = await startRefreshCompany(this.deps.temporal, this.deps.taskQueue, {
      clientId,
      companyId,
      ...(dataTypes && { dataTypes }),
      trigger: 'api',
      options: this.deps.pullOptions,
    });
    return { workflowId: handle.workflowId };
  }

  /** Asks a running pull to stop: it stops at its next page, keeps what it committed and ends Cancelled. */
  async cancelPull(clientId: string, companyId: string, pullOperationId: string): Promise<PullOperationRow> {
    const pull = await this.getPullOperation(clientId, companyId, pullOperationId);
    if (!isInProgress(pull.status)) throw new ConflictError(`Pull operation ${pullOperationId} has already ended (${pull.status})`);
    await cancelPullWorkflow(this.deps.temporal, pull);
    return pull;
  }

  /**
   * Stops everything refreshing a company (before it is deleted): its company refresh and every pull still
   * running. Runs that have just ended are passed over.
   */
  async cancelCompanyRefreshes(companyId: string): Promise<void> {
    const ignoreGone = (error: unknown) => {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    };
    await this.deps.temporal.workflow.getHandle(refreshCompanyWorkflowId(companyId)).cancel().catch(ignoreGone);
    for (const pull of await this.deps.store.pullOperations.inProgressOf(companyId)) {
      await cancelPullWorkflow(this.deps.temporal, pull).catch(ignoreGone);
    }
  }

  private offers(connection: ConnectionRow, dataType: DataType): boolean {
    return offeredDataTypes(this.deps.connectors, connection).includes(dataType);
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
