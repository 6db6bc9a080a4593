// Deterministic workflow code: no I/O, no clocks, no randomness. Activities are imported as types only.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  isUnsuccessfulEndStatus,
  type PullStatus as PullStatusValue,
  type RefreshDataTypeInput,
  type RefreshDataTypeResult,
  type UnsuccessfulEndStatus,
} from '../src/domain/index.js';
import { PullStatus } from '../src/temporal/search-attributes.js';
import { publish } from './events.js';

// Store bookkeeping: quick, and retried until the database is back.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

function setPullStatus(status: PullStatusValue): void {
  upsertSearchAttributes([{ key: PullStatus, value: status }]);
}

/** Reads the pull status an activity failure stands for (see activities/upstream-errors.ts). */
function endStatusOf(error: unknown): { status: UnsuccessfulEndStatus; message: string } {
  if (error instanceof ActivityFailure) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure && cause.type && isUnsuccessfulEndStatus(cause.type)) {
      return { status: cause.type, message: cause.message };
    }
    if (cause instanceof TimeoutFailure) {
      return { status: 'FetchError', message: `The source did not answer in time (${cause.timeoutType})` };
    }
    return { status: 'InternalError', message: cause?.message ?? error.message };
  }
  return { status: 'InternalError', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Pulls one data type of one connection: marks the pull Fetching, pages through the source in batches (each
 * batch an activity that commits page by page and checkpoints), then marks it Complete, or with the status the
 * failure stands for. The pull operation's id is this workflow's first run id, stable across continue-as-new.
 */
export async function refreshDataType(input: RefreshDataTypeInput): Promise<RefreshDataTypeResult> {
  const pullOperationId = workflowInfo().firstExecutionRunId;
  const { pullPages } = proxyActivities<Activities>({
    startToCloseTimeout: `${input.options.batchSeconds + 300} seconds`,
    heartbeatTimeout: `${input.options.heartbeatTimeoutSeconds ?? 30} seconds`,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: input.options.maxAttempts,
    },
    // On cancellation, wait for the batch to stop (at its next page) so that the counts are final.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });

  // Tells webhook consumers the pull ended. Runs started before webhooks existed replay without it.
  const publishEnd = async () => {
    if (patched('webhook-events')) await publish({ type: 'read.completed', clientId: input.clientId, datasetId: pullOperationId });
  };

  try {
    if (!input.resumed) {
      const { clientId, companyId, connectionId, dataType, requestedAt } = input;
      await bookkeeping.beginPull({ pullOperationId, clientId, companyId, connectionId, dataType, requestedAt, fullPull: input.fullPull ?? false });
      setPullStatus('Fetching');
    }
    for (;;) {
      const batch = await pullPages(pullOperationId, input.options.batchSeconds);
      // Shown in the Web UI's "Current Details" while the pull runs.
      setCurrentDetails(`${batch.done ? 'Read' : 'Reading'} ${input.dataType}: ${batch.recordsFetched} records in ${batch.pagesCommitted} pages committed`);
      if (batch.done) break;
      // Keep history small on very long pulls; the checkpoint is in the store, so nothing is carried over.
      if (workflowInfo().continueAsNewSuggested) {
        return await continueAsNew<typeof refreshDataType>({ ...input, resumed: true });
      }
    }
  } catch (error) {
    // Continuing as new is thrown, too: it is not a failure.
    if (error instanceof ContinueAsNew) throw error;
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await bookkeeping.failPull({ pullOperationId, status: 'Cancelled', errorMessage: 'Cancelled on request; the pages committed before are kept' });
        setPullStatus('Cancelled');
        await publishEnd();
      });
      throw error;
    }
    const { status, message } = endStatusOf(error);
    await bookkeeping.failPull({ pullOperationId, status, errorMessage: message });
    setPullStatus(status);
    setCurrentDetails(`${status}: ${message}`);
    await publishEnd();
    log.warn('Pull ended unsuccessfully', { pullOperationId, status, message });
    // Fail the run so that it shows as failed in the Web UI; the pull's own record says why.
    throw ApplicationFailure.nonRetryable(message, status);
  }

  const recordsFetched = await bookkeeping.completePull(pullOperationId);
  setPullStatus('Complete');
  await publishEnd();
  return { pullOperationId, status: 'Complete', recordsFetched };
}
