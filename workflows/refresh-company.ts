// Deterministic workflow code: no I/O, no clocks, no randomness. Activities are imported as types only.
import {
  ActivityCancellationType,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PlannedPull } from '../activities/refresh-fan-out.js';
import {
  type DataTypeOutcome,
  prerequisitesOf,
  type PullStatus as PullStatusValue,
  type RefreshCompanyInput,
  type RefreshCompanyResult,
} from '../src/domain/index.js';
import { PullStatus } from '../src/temporal/search-attributes.js';
import { publish } from './events.js';
import { Slots } from './slots.js';

const DEFAULT_PER_COMPANY = 4;
const DEFAULT_PER_CONNECTION = 2;

const steps = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// Waits as long as a pull runs; a wait whose worker died is noticed by its heartbeat and resumed elsewhere.
// Cancelling the refresh cancels the wait at once; the pulls themselves are then cancelled explicitly.
const waiting = proxyActivities<Activities>({
  startToCloseTimeout: '7 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  cancellationType: ActivityCancellationType.TRY_CANCEL,
});

const keyOf = (p: Pick<PlannedPull, 'connectionId' | 'dataType'>) => `${p.connectionId}/${p.dataType}`;

/** "Complete", or what did not complete, counted by status: "2 of 6 did not complete (1 FetchError, 1 PrerequisiteNotMet)". */
function summarise(outcomes: readonly DataTypeOutcome[]): { summary: string; status: PullStatusValue } {
  const failed = outcomes.filter((o) => o.status !== 'Complete');
  if (failed.length === 0) return { summary: `Complete: ${outcomes.length} data type pulls`, status: 'Complete' };
  const counts = new Map<string, number>();
  for (const o of failed) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  const byStatus = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  return { summary: `${failed.length} of ${outcomes.length} data type pulls did not complete (${byStatus})`, status: failed[0]!.status };
}

/**
 * Pulls several data types of a company (every linked connection) or of one connection, in sync order, with
 * at most `perCompany` pulls at once and `perConnection` on any one connection. A data type already being
 * refreshed is joined, not started twice. A data type waits for its prerequisites (src/domain/prerequisites.ts)
 * and ends PrerequisiteNotMet, unpulled, if one did not complete. The result summarises every data type.
 */
export async function refreshCompany(input: RefreshCompanyInput): Promise<RefreshCompanyResult> {
  const plan = prerequisitesFirst(await steps.planRefresh(input));
  upsertSearchAttributes([{ key: PullStatus, value: 'Fetching' }]);
  setCurrentDetails(`${plan.length} pulls planned: ${[...new Set(plan.map((p) => p.dataType))].join(', ') || 'no data type offered'}`);
  const perCompany = new Slots(input.concurrency?.perCompany ?? DEFAULT_PER_COMPANY);
  const perConnection = new Map<string, Slots>();
  const connectionSlots = (id: string) => {
    if (!perConnection.has(id)) perConnection.set(id, new Slots(input.concurrency?.perConnection ?? DEFAULT_PER_CONNECTION));
    return perConnection.get(id)!;
  };
  const started: string[] = [];
  const outcomes = new Map<string, Promise<DataTypeOutcome>>();

  const run = async (item: PlannedPull): Promise<DataTypeOutcome> => {
    const sameConnection = plan.filter((p) => p.connectionId === item.connectionId).map((p) => p.dataType);
    const prerequisites = prerequisitesOf(item.dataType, sameConnection);
    const before = await Promise.all(prerequisites.map((dataType) => outcomes.get(keyOf({ ...item, dataType }))!));
    const unmet = before.filter((o) => o.status !== 'Complete');
    if (unmet.length > 0) {
      const errorMessage = `Not pulled: its prerequisite ${unmet.map((o) => `${o.dataType} ended ${o.status}`).join(' and ')}`;
      return steps.recordUnmetPrerequisite({ ...item, ...ids(input), pullOperationId: uuid4(), errorMessage });
    }
    return perCompany.with(() =>
      connectionSlots(item.connectionId).with(async () => {
        const pullOperationId = await steps.startOrJoinPull({ ...item, ...ids(input), options: input.options });
        started.push(pullOperationId);
        return waiting.awaitPull(pullOperationId);
      }),
    );
  };
  // Prerequisites come first in the plan, so their outcomes exist before their dependents look them up.
  for (const item of plan) outcomes.set(keyOf(item), run(item));

  try {
    const results = await Promise.all(plan.map((item) => outcomes.get(keyOf(item))!));
    const { summary, status } = summarise(results);
    upsertSearchAttributes([{ key: PullStatus, value: status }]);
    setCurrentDetails(summary);
    log.info('Refresh ended', { companyId: input.companyId, connectionId: input.connectionId, summary });
    const result: RefreshCompanyResult = {
      companyId: input.companyId,
      ...(input.connectionId && { connectionId: input.connectionId }),
      ...(input.jobId && { jobId: input.jobId }),
      outcomes: results,
      summary,
    };
    // Runs started before webhooks existed replay without publishing.
    if (patched('webhook-events')) {
      await publish({ type: input.jobId ? 'connection.refresh.completed' : 'company.refresh.completed', clientId: input.clientId, result });
    }
    return result;
  } catch (error) {
    if (isCancellation(error)) {
      // Stop what this refresh started; each pull keeps the pages it committed and ends Cancelled.
      await CancellationScope.nonCancellable(async () => {
        await steps.cancelPulls(started);
        upsertSearchAttributes([{ key: PullStatus, value: 'Cancelled' }]);
      });
    }
    throw error;
  }
}

/** The connection refresh API's job: every data type one connection offers (see `refreshCompany`). */
export async function refreshConnection(input: RefreshCompanyInput & { connectionId: string; jobId: string }): Promise<RefreshCompanyResult> {
  return refreshCompany(input);
}

/** The plan in sync order, except that each data type's prerequisites on its connection come before it. */
function prerequisitesFirst(plan: readonly PlannedPull[]): PlannedPull[] {
  const byKey = new Map(plan.map((p) => [keyOf(p), p]));
  const ordered: PlannedPull[] = [];
  const placed = new Set<string>();
  const place = (item: PlannedPull) => {
    if (placed.has(keyOf(item))) return;
    placed.add(keyOf(item));
    const sameConnection = plan.filter((p) => p.connectionId === item.connectionId).map((p) => p.dataType);
    for (const dataType of prerequisitesOf(item.dataType, sameConnection)) place(byKey.get(keyOf({ ...item, dataType }))!);
    ordered.push(item);
  };
  plan.forEach(place);
  return ordered;
}

function ids(input: RefreshCompanyInput) {
  return { clientId: input.clientId, companyId: input.companyId, ...(input.jobId && { jobId: input.jobId }) };
}
