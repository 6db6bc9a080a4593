import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ConnectorRegistry } from '../src/connectors/registry.js';
import { UpstreamError } from '../src/connectors/errors.js';
import type { PullBatchResult, PullFailure, PullIdentity } from '../src/domain/index.js';
import type { NewRecord, Store } from '../src/store/index.js';

export interface PullActivityDeps {
  store: Store;
  connectors: ConnectorRegistry;
}

// How often a running pull tells Temporal it is alive, whatever the source's latency.
const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * The side effects of a pull. Each activity is idempotent, so Temporal may retry any of them: the state lives
 * in the store, and a retried `pullPages` continues from the checkpoint committed with the last page.
 */
export function createPullActivities({ store, connectors }: PullActivityDeps) {
  async function loadPull(pullOperationId: string) {
    const pull = await store.pullOperations.getById(pullOperationId);
    if (!pull) throw ApplicationFailure.nonRetryable(`Pull operation ${pullOperationId} does not exist`, 'InternalError');
    const connection = await store.companies.getConnectionById(pull.connection_id);
    if (!connection) throw ApplicationFailure.nonRetryable(`Connection ${pull.connection_id} no longer exists`, 'InternalError');
    const connector = connectors.get(connection.platform_key);
    if (!connector) throw new UpstreamError('notSupported', `No connector is installed for platform "${connection.platform_key}"`);
    if (!connector.dataTypes.includes(pull.data_type)) {
      throw new UpstreamError('notSupported', `Datatype ${pull.data_type} not supported by platform(s) ${connection.platform_key}`);
    }
    const params = connector.parameters.safeParse(JSON.parse(connection.parameters));
    if (!params.success) {
      const problems = params.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw ApplicationFailure.nonRetryable(`Connection ${connection.id} has invalid parameters: ${problems}`, 'FetchError');
    }
    return { pull, connector, params: params.data };
  }

  return {
    /** Makes sure the pull operation exists (the API may have died before writing it) and marks it Fetching. */
    async beginPull(identity: PullIdentity): Promise<void> {
      await store.pullOperations.createIfMissing({ id: identity.pullOperationId, ...identity });
      await store.pullOperations.markFetching(identity.pullOperationId);
    },

    /**
     * Pages through the source for up to `batchSeconds`, committing each page's records together with the
     * cursor after it. Returns counts and whether the source is exhausted; never the records themselves.
     */
    async pullPages(pullOperationId: string, batchSeconds: number): Promise<PullBatchResult> {
      const { pull, connector, params } = await loadPull(pullOperationId);
      const context = Context.current();
      let cursor = pull.checkpoint;
      let recordsFetched = Number(pull.records_fetched);
      let pagesCommitted = pull.pages_committed;
      if (pagesCommitted > 0 && cursor === null) return { done: true, recordsFetched, pagesCommitted };

      const deadline = Date.now() + batchSeconds * 1_000;
      const heartbeat = setInterval(() => context.heartbeat({ pagesCommitted }), HEARTBEAT_INTERVAL_MS);
      try {
        do {
          const page = await connector.pullPage(params, { dataType: pull.data_type, cursor, signal: context.cancellationSignal });
          const now = new Date().toISOString();
          // A source may repeat a record within a page; the last copy wins, as a later page's would.
          const byId = new Map<string, NewRecord>();
          for (const record of page.records) {
            byId.set(record.id, {
              company_id: pull.company_id,
              connection_id: pull.connection_id,
              data_type: pull.data_type,
              source_id: record.id,
              data: JSON.stringify(record.data),
              source_modified_date: record.modifiedDate,
              pull_operation_id: pullOperationId,
              created_at: now,
              updated_at: now,
            });
          }
          recordsFetched += byId.size;
          pagesCommitted += 1;
          const progress = page.totalRecords ? Math.min(99, Math.floor((recordsFetched * 100) / page.totalRecords)) : 0;
          await store.pullOperations.commitPage(pullOperationId, { records: [...byId.values()], checkpoint: page.nextCursor, progress });
          cursor = page.nextCursor;
          context.heartbeat({ pagesCommitted });
        } while (cursor !== null && Date.now() < deadline);
      } finally {
        clearInterval(heartbeat);
      }
      return { done: cursor === null, recordsFetched, pagesCommitted };
    },

    async completePull(pullOperationId: string): Promise<number> {
      await store.pullOperations.complete(pullOperationId);
      const pull = await store.pullOperations.getById(pullOperationId);
      return Number(pull?.records_fetched ?? 0);
    },

    async failPull({ pullOperationId, status, errorMessage }: PullFailure): Promise<void> {
      await store.pullOperations.fail(pullOperationId, status, errorMessage);
    },
  };
}
