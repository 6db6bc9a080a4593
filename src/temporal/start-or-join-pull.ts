import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { isInProgress, type RefreshDataTypeInput } from '../domain/index.js';
import type { PullOperationRow, Store } from '../store/index.js';
import { startRefreshDataType } from './refresh-data-type.js';

/**
 * Starts a pull of one data type of one connection, or joins the one already running, and records its pull
 * operation (the workflow records it too, so a crash in between loses nothing). Used by the API and by the
 * company and connection refresh workflows' activities alike.
 */
export async function startOrJoinPull(
  temporal: { client: Client; taskQueue: string },
  store: Store,
  input: Omit<RefreshDataTypeInput, 'requestedAt' | 'resumed'>,
): Promise<PullOperationRow> {
  // A run whose pull has just ended is still closing (one more workflow task): joining it would hand back a
  // finished pull. Wait for it to close and start afresh; more than a couple of rounds means something odd.
  for (let round = 0; ; round++) {
    const requestedAt = new Date().toISOString();
    const handle = await startRefreshDataType(temporal.client, temporal.taskQueue, { ...input, requestedAt });
    const id = handle.firstExecutionRunId;
    await store.pullOperations.createIfMissing({ id, ...input, requestedAt });
    const pull = await store.pullOperations.getById(id);
    if (!pull) throw new Error(`Pull operation ${id} vanished right after it was recorded`);
    if (isInProgress(pull.status) || round >= 2) return pull;
    await Promise.race([handle.result().catch(() => undefined), sleep(10_000)]);
  }
}
