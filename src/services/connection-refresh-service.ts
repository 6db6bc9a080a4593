import { randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { isErrored, isInProgress, type PullOptions } from '../domain/index.js';
import type { PullOperationRow, RefreshJobRow, Store } from '../store/index.js';
import { refreshConnectionWorkflowId, startRefreshConnection } from '../temporal/refresh-company.js';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors.js';

export interface ConnectionRefreshDeps {
  store: Store;
  connectors: ConnectorRegistry;
  temporal: Client;
  taskQueue: string;
  pullOptions: PullOptions;
}

export interface RefreshConnectionRequest {
  connectionId?: string | undefined;
  sourceParameters?: Record<string, unknown> | undefined;
  destinationParameters?: Record<string, unknown> | undefined;
  usePreviousSourceParameters?: boolean | undefined;
  usePreviousDestinationParameters?: boolean | undefined;
  workspaceId?: string | undefined;
}

export type SourceStatus = 'Queued' | 'Running' | 'Complete' | 'Failed';
export type DestinationStatus = 'Pending' | 'Writing' | 'Complete' | 'Failed';

export interface RefreshJob {
  job: RefreshJobRow;
  pulls: PullOperationRow[];
  sourceStatus: SourceStatus;
  destinationStatus: DestinationStatus;
  /** What failed, per data type, once anything has. */
  error: string | null;
  updated: string;
}

/**
 * The connection refresh API: a job is a `refreshConnection` run that pulls every data type the connection
 * offers, each as its own refreshDataType pull (joining any already running), linked to the job as it starts.
 * The job's statuses are read from its run (still going?) and those pulls.
 */
export class ConnectionRefreshService {
  private readonly store: Store;
  private readonly connectors: ConnectorRegistry;

  constructor(private readonly deps: ConnectionRefreshDeps) {
    this.store = deps.store;
    this.connectors = deps.connectors;
  }

  async refresh(clientId: string, createdBy: string, connectionId: string, request: RefreshConnectionRequest): Promise<RefreshJob> {
    if (request.connectionId !== undefined && request.connectionId !== connectionId) {
      throw new InvalidRequestError(`connectionId ${request.connectionId} in the body does not match the path`);
    }
    const connection = await this.store.companies.getClientConnection(clientId, connectionId);
    if (!connection) throw new NotFoundError(`Data connection ${connectionId} not found`);
    if (connection.status !== 'Linked') throw new InvalidRequestError(`Data connection ${connectionId} is ${connection.status}; link it again to refresh it`);
    const connector = this.connectors.get(connection.platform_key);
    if (!connector) throw new InvalidRequestError(`No connector is installed for platform "${connection.platform_key}"`);

    const previous = await this.store.refreshJobs.latestFor(clientId, connectionId);
    const current = JSON.parse(connection.parameters) as Record<string, unknown>;
    // New source parameters are merged onto the connection's and become its parameters from now on.
    const sourceParameters = request.usePreviousSourceParameters ? current : { ...current, ...request.sourceParameters };
    const parsed = connector.parameters.safeParse(sourceParameters);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `sourceParameters.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new InvalidRequestError(`Invalid source parameters for ${connection.platform_key}. ${problems}`);
    }
    if (JSON.stringify(sourceParameters) !== connection.parameters) await this.store.companies.setConnectionParameters(connectionId, sourceParameters);
    const destinationParameters = request.usePreviousDestinationParameters
      ? (JSON.parse(previous?.destination_parameters ?? '{}') as Record<string, unknown>)
      : (request.destinationParameters ?? {});

    const job: RefreshJobRow = {
      id: randomUUID(),
      client_id: clientId,
      connection_id: connectionId,
      workspace_id: request.workspaceId ?? null,
      created_by: createdBy,
      source_parameters: JSON.stringify(sourceParameters),
      destination_parameters: JSON.stringify(destinationParameters),
      created_at: new Date().toISOString(),
    };
    await this.store.refreshJobs.create(job, []);
    await startRefreshConnection(this.deps.temporal, this.deps.taskQueue, {
      clientId,
      companyId: connection.company_id,
      connectionId,
      jobId: job.id,
      trigger: 'api',
      options: this.deps.pullOptions,
    });
    return describeJob(job, [], true);
  }

  /** Stops a running job: its run is cancelled, and it cancels the pulls it started (each keeps what it committed). */
  async cancel(clientId: string, jobId: string): Promise<RefreshJob> {
    const job = await this.get(clientId, jobId);
    if (!(await this.isRunning(jobId))) throw new ConflictError(`Job ${jobId} has already ended`);
    await this.deps.temporal.workflow.getHandle(refreshConnectionWorkflowId(jobId)).cancel();
    return job;
  }

  async get(clientId: string, jobId: string): Promise<RefreshJob> {
    const job = await this.store.refreshJobs.get(clientId, jobId);
    if (!job) throw new NotFoundError(`No job was found with ID ${jobId}`);
    return describeJob(job, await this.store.refreshJobs.pullsOf(jobId), await this.isRunning(jobId));
  }

  private async isRunning(jobId: string): Promise<boolean> {
    try {
      const { status } = await this.deps.temporal.workflow.getHandle(refreshConnectionWorkflowId(jobId)).describe();
      return status.name === 'RUNNING';
    } catch (error) {
      // Gone from Temporal (retention) or never started: the job is over.
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }
}

function describeJob(job: RefreshJobRow, pulls: PullOperationRow[], runIsGoing: boolean): RefreshJob {
  // Between two pulls none may be running while the job still is.
  const running = runIsGoing || pulls.some((p) => isInProgress(p.status));
  const failed = pulls.filter((p) => isErrored(p.status) || p.status === 'Cancelled');
  const written = pulls.some((p) => p.pages_committed > 0);
  const sourceStatus: SourceStatus = running
    ? pulls.every((p) => p.status === 'Queued' || p.status === 'Initial')
      ? 'Queued'
      : 'Running'
    : failed.length > 0
      ? 'Failed'
      : 'Complete';
  const destinationStatus: DestinationStatus = running ? (written ? 'Writing' : 'Pending') : failed.length > 0 ? 'Failed' : 'Complete';
  return {
    job,
    pulls,
    sourceStatus,
    destinationStatus,
    error: failed.length ? failed.map((p) => `${p.data_type}: ${p.status}${p.error_message ? ` (${p.error_message})` : ''}`).join('; ') : null,
    updated: [job.created_at, ...pulls.map((p) => p.updated_at)].sort().at(-1)!,
  };
}
