import { ApplicationFailure, CancelledFailure, Context, log } from '@temporalio/activity';
import type { Connector } from '../src/connectors/connector.js';
import { UpstreamError } from '../src/connectors/errors.js';
import type { ConnectorRegistry } from '../src/connectors/registry.js';
import { isInProgress, type PullBatchResult, type PullFailure, type PullIdentity } from '../src/domain/index.js';
import { CheckpointConflictError, type PullPlan, type Store } from '../src/store/index.js';
import { preparePage } from './page-records.js';
import { UpstreamGuard } from './upstream-guard.js';

export interface PullActivityDeps {
  store: Store;
  connectors: ConnectorRegistry;
}

// How often a running pull tells Temporal it is alive, whatever the source's latency.
const HEARTBEAT_INTERVAL_MS = 5_000;

/** What a heartbeat carries: the checkpoint committed last, shown in the Web UI and read back on retry. */
interface PullHeartbeat {
  pagesCommitted: number;
  checkpoint: string | null;
}

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
    const params = connector.parameters.safeParse(JSON.parse(connection.parameters));
    if (!params.success) {
      const problems = params.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw ApplicationFailure.nonRetryable(`Connection ${connection.id} has invalid parameters: ${problems}`, 'FetchError');
    }
    const offered = connector.dataTypesOf?.(params.data) ?? connector.dataTypes;
    if (!offered.includes(pull.data_type)) {
      throw new UpstreamError('notSupported', `Datatype ${pull.data_type} not supported by platform(s) ${connection.platform_key}`);
    }
    return { pull, connector: connector as Connector<unknown>, params: params.data };
  }

  /**
   * Full when asked for, when the connector cannot filter by date, or when nothing was pulled before;
   * otherwise incremental from the last successful pull's high-water mark.
   */
  async function planPull(identity: PullIdentity): Promise<PullPlan> {
    const scope = { companyId: identity.companyId, connectionId: identity.connectionId, dataType: identity.dataType };
    const previous = await store.pullOperations.lastSuccessful(scope);
    const connection = await store.companies.getConnectionById(identity.connectionId);
    const incremental = connection ? connectors.get(connection.platform_key)?.capabilities.incremental : false;
    if (!identity.fullPull && incremental && previous?.high_water_mark) {
      return { mode: 'incremental', modifiedSince: previous.high_water_mark, recordsEstimate: null };
    }
    const stored = await store.records.count(identity.companyId, identity.connectionId, identity.dataType);
    return { mode: 'full', modifiedSince: null, recordsEstimate: stored > 0 ? stored : null };
  }

  return {
    /** Makes sure the pull operation exists (the API may have died before writing it), plans it, marks it Fetching. */
    async beginPull(identity: PullIdentity): Promise<void> {
      await store.pullOperations.createIfMissing({ id: identity.pullOperationId, ...identity });
      await store.pullOperations.markFetching(identity.pullOperationId, await planPull(identity));
    },

    /**
     * Pages through the source for up to `batchSeconds`, committing each page's records together with the
     * cursor after it, and heartbeating that cursor. Returns counts and whether the source is exhausted;
     * never the records themselves, so memory stays flat however big the pull.
     */
    async pullPages(pullOperationId: string, batchSeconds: number): Promise<PullBatchResult> {
      const { pull, connector, params } = await loadPull(pullOperationId);
      if (!isInProgress(pull.status)) return { done: true, recordsFetched: Number(pull.records_fetched), pagesCommitted: pull.pages_committed };
      const context = Context.current();
      const state = { pull, cursor: pull.checkpoint, pagesCommitted: pull.pages_committed, recordsFetched: Number(pull.records_fetched) };
      if (state.pagesCommitted > 0 && state.cursor === null) return { done: true, ...counts(state) };
      if (context.info.attempt > 1 || state.pagesCommitted > 0) {
        const reported = context.info.heartbeatDetails as PullHeartbeat | undefined;
        log.info('Resuming pull from its checkpoint', { pullOperationId, page: state.pagesCommitted + 1, attempt: context.info.attempt, lastHeartbeat: reported });
      }

      // Cancelled: stop before the next page; an aborted request is the cancellation, not an upstream failure.
      const throwIfCancelled = () => {
        if (context.cancellationSignal.aborted) throw new CancelledFailure(`Pull cancelled after ${state.pagesCommitted} committed pages`);
      };
      const beat = () => context.heartbeat({ pagesCommitted: state.pagesCommitted, checkpoint: state.cursor } satisfies PullHeartbeat);
      const guard = new UpstreamGuard({
        store,
        connectionId: pull.connection_id,
        pullOperationId,
        limits: connector.limits?.(params) ?? {},
        sleep: (ms) => context.sleep(ms),
        onWait: async (reason) => {
          beat();
          await store.pullOperations.describe(pullOperationId, reason || null);
        },
      });
      const heartbeat = setInterval(() => {
        beat();
        guard.renew().catch((error: unknown) => log.warn('Could not renew the pull slot lease', { error: String(error) }));
      }, HEARTBEAT_INTERVAL_MS);
      const deadline = Date.now() + batchSeconds * 1_000;
      try {
        await guard.enter();
        do {
          const where = `${pull.data_type} page ${state.pagesCommitted + 1}`;
          throwIfCancelled();
          await guard.beforeRequest();
          const page = await connector
            .pullPage(params, {
              dataType: pull.data_type,
              cursor: state.cursor,
              modifiedSince: pull.mode === 'incremental' ? (pull.modified_since ?? undefined) : undefined,
              signal: context.cancellationSignal,
            })
            .catch((error: unknown) => {
              throwIfCancelled();
              throw error instanceof UpstreamError ? new UpstreamError(error.kind, `${error.message} (${where})`, { ...error.options, cause: error }) : error;
            });
          const prepared = preparePage(page.records, where);
          const expected = page.totalRecords ?? pull.records_estimate;
          const fetched = state.recordsFetched + prepared.records.length;
          await store.pullOperations.commitPage(state.pull, {
            records: prepared.records,
            checkpoint: page.nextCursor,
            pagesBefore: state.pagesCommitted,
            highWaterMark: prepared.highWaterMark,
            // Never 100 before the pull completes: a source's total, or the estimate, may be off.
            progress: expected ? Math.min(99, Math.floor((fetched * 100) / expected)) : null,
          });
          state.cursor = page.nextCursor;
          state.pagesCommitted += 1;
          state.recordsFetched = fetched;
          beat();
        } while (state.cursor !== null && Date.now() < deadline);
      } catch (error) {
        if (error instanceof CheckpointConflictError) {
          // A stale attempt still running elsewhere got there first. Retrying reloads its checkpoint.
          throw ApplicationFailure.retryable(error.message, 'InternalError');
        }
        throw error;
      } finally {
        clearInterval(heartbeat);
        await guard.leave();
      }
      return { done: state.cursor === null, ...counts(state) };
    },

    /** Completes the pull (a full pull flags what it did not see as deleted); returns the records fetched. */
    async completePull(pullOperationId: string): Promise<number> {
      const pull = await store.pullOperations.complete(pullOperationId);
      return Number(pull.records_fetched);
    },

    async failPull({ pullOperationId, status, errorMessage }: PullFailure): Promise<void> {
      await store.pullOperations.fail(pullOperationId, status, errorMessage);
    },
  };
}

function counts(state: { recordsFetched: number; pagesCommitted: number }) {
  return { recordsFetched: state.recordsFetched, pagesCommitted: state.pagesCommitted };
}
