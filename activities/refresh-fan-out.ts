import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { type ConnectorRegistry, offeredDataTypes } from '../src/connectors/registry.js';
import {
  DATA_TYPES,
  type DataType,
  type DataTypeOutcome,
  isInProgress,
  type PullOptions,
  type RefreshCompanyInput,
  typesToFetch,
} from '../src/domain/index.js';
import type { ConnectionRow, PullOperationRow, Store } from '../src/store/index.js';
import { cancelPullWorkflow } from '../src/temporal/refresh-data-type.js';
import { startOrJoinPull } from '../src/temporal/start-or-join-pull.js';

export interface FanOutDeps {
  store: Store;
  connectors: ConnectorRegistry;
  /** Company and connection refreshes start (or join) data-type refreshes through this client. */
  temporal: { client: Client; taskQueue: string };
}

/** One data type of one connection that a company or connection refresh pulls. */
export interface PlannedPull {
  connectionId: string;
  dataType: DataType;
  fullPull: boolean;
}

export interface PullRequest extends PlannedPull {
  clientId: string;
  companyId: string;
  jobId?: string | undefined;
  options: PullOptions;
}

export interface UnmetPrerequisite extends PlannedPull {
  /** Chosen by the workflow (deterministically), so a retried activity records one pull, not two. */
  pullOperationId: string;
  clientId: string;
  companyId: string;
  jobId?: string | undefined;
  errorMessage: string;
}

// How often a waiting activity looks at its pull, and tells Temporal it is alive.
const POLL_MS = 1_000;

const outcomeOf = (pull: PullOperationRow): DataTypeOutcome => ({
  connectionId: pull.connection_id,
  dataType: pull.data_type,
  pullOperationId: pull.id,
  status: pull.status,
  recordsFetched: Number(pull.records_fetched),
  ...(pull.error_message !== null && { errorMessage: pull.error_message }),
});

/**
 * The activities behind company and connection refreshes: plan the data types, start or join each
 * data-type refresh, wait for it, record what could not run. Each is idempotent.
 */
export function createFanOutActivities({ store, connectors, temporal }: FanOutDeps) {
  async function connectionsOf(input: RefreshCompanyInput): Promise<ConnectionRow[]> {
    if (input.connectionId) {
      const connection = await store.companies.getConnectionById(input.connectionId);
      return connection && connection.company_id === input.companyId ? [connection] : [];
    }
    return (await store.companies.listConnections(input.clientId, input.companyId)).filter((c) => c.status === 'Linked');
  }

  return {
    /**
     * What a refresh pulls, in sync order: the asked-for data types, else (a company) those with
     * fetchOnFirstLink or (a connection) all it offers; on every connection that offers each.
     */
    async planRefresh(input: RefreshCompanyInput): Promise<PlannedPull[]> {
      const { settings } = await store.syncSettings.effective(input.clientId, input.companyId);
      const connections = await connectionsOf(input);
      const bySetting = new Map(settings.map((s) => [s.dataType, s]));
      const order = (t: DataType) => bySetting.get(t)?.syncOrder ?? DATA_TYPES.length + DATA_TYPES.indexOf(t);
      const wanted = input.dataTypes ?? (input.connectionId ? [...DATA_TYPES] : typesToFetch(settings));
      const plan: PlannedPull[] = [];
      for (const dataType of [...new Set(wanted)].sort((a, b) => order(a) - order(b))) {
        for (const connection of connections) {
          if (!offeredDataTypes(connectors, connection).includes(dataType)) continue;
          plan.push({ connectionId: connection.id, dataType, fullPull: bySetting.get(dataType)?.fullPull ?? false });
        }
      }
      return plan;
    },

    /** Starts the data type's refresh, or joins the one running; links it to the job. Returns its pull id. */
    async startOrJoinPull(request: PullRequest): Promise<string> {
      const { jobId, ...input } = request;
      const pull = await startOrJoinPull(temporal, store, input);
      if (jobId) await store.refreshJobs.addPull(jobId, pull.id);
      return pull.id;
    },

    /** Waits, heartbeating, until the pull ends; returns how it ended. Cancelling the refresh cancels the wait. */
    async awaitPull(pullOperationId: string): Promise<DataTypeOutcome> {
      const context = Context.current();
      for (;;) {
        const pull = await store.pullOperations.getById(pullOperationId);
        if (!pull) throw new Error(`Pull operation ${pullOperationId} does not exist`);
        if (!isInProgress(pull.status)) return outcomeOf(pull);
        context.heartbeat(pull.status);
        await context.sleep(POLL_MS);
      }
    },

    /** Records a data type that was not pulled because a prerequisite did not complete. */
    async recordUnmetPrerequisite(unmet: UnmetPrerequisite): Promise<DataTypeOutcome> {
      const { pullOperationId: id, clientId, companyId, connectionId, dataType, jobId } = unmet;
      await store.pullOperations.createIfMissing({ id, clientId, companyId, connectionId, dataType, requestedAt: new Date().toISOString() });
      await store.pullOperations.fail(id, 'PrerequisiteNotMet', unmet.errorMessage);
      if (jobId) await store.refreshJobs.addPull(jobId, id);
      return outcomeOf((await store.pullOperations.getById(id))!);
    },

    /** Asks running pulls to stop; each stops at its next page, keeps what it committed and ends Cancelled. */
    async cancelPulls(pullOperationIds: readonly string[]): Promise<void> {
      for (const id of pullOperationIds) {
        const pull = await store.pullOperations.getById(id);
        if (!pull || !isInProgress(pull.status)) continue;
        await cancelPullWorkflow(temporal.client, pull);
      }
    },
  };
}
