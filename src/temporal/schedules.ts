// A company's sync settings as Temporal Schedules, and their upkeep through `client.schedule`.
//
// Mapping (planCompanySchedules): the data types a schedule refreshes are those with fetchOnFirstLink. Each has a
// cadence: its syncCron (in syncTimeZone, UTC by default) if set, else every syncSchedule hours, else (0) none.
// The cadence most of them share becomes the company's schedule, `company-refresh/{companyId}`; every type with
// another cadence gets a schedule of its own, `company-refresh/{companyId}/{dataType}`, whose runs refresh only it.
// Each action starts `refreshCompany` (trigger 'schedule') with the workflow id
// `scheduled-refresh/{companyId}[/{dataType}]`, to which Temporal appends the action time.
import { createHash } from 'node:crypto';
import {
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleOptions,
  ScheduleOverlapPolicy,
  type ScheduleSpec,
} from '@temporalio/client';
import type { DataType, PullOptions, RefreshCompanyInput, SyncSetting } from '../domain/index.js';
import { type Cadence, cadenceKey, cadenceOf } from '../domain/schedule-cadence.js';
import { CompanyId, PullStatus, RefreshKind } from './search-attributes.js';

/**
 * What a schedule does when its time comes while its previous run is still going: nothing (SKIP). A refresh
 * that outlasts its interval is already bringing the latest data; queueing another behind it (BUFFER_ONE) would
 * only pull the same records again. Changing this constant changes every schedule at its next upsert.
 */
export const SCHEDULE_OVERLAP = ScheduleOverlapPolicy.SKIP;

/** "Run now": start even while a scheduled run is going (its pulls join the ones in flight), unless asked otherwise. */
export const TRIGGER_OVERLAP = ScheduleOverlapPolicy.ALLOW_ALL;

/** A backfill takes every action of its window, one after another (not all at once, not skipping any). */
export const BACKFILL_OVERLAP = ScheduleOverlapPolicy.BUFFER_ALL;

/** The overlap policies the API lets a caller choose for a trigger or a backfill (never cancelling or terminating runs). */
export const CHOOSABLE_OVERLAPS = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'ALLOW_ALL'] as const;
export type ChoosableOverlap = (typeof CHOOSABLE_OVERLAPS)[number];

/** Actions missed while Temporal was down are still taken if they are at most this late (then SKIP keeps it to one). */
export const CATCHUP_WINDOW = '1 day';

/** Random delay added to each action, at most this, so that schedules due at the same moment do not fire at once. */
export const MAX_JITTER_MS = 5 * 60_000;

/**
 * The short form of a schedule's id, used in API paths: `default` for the company's schedule, or the data type of a
 * schedule of its own (not `company`, which is a data type).
 */
export type ScheduleKey = 'default' | DataType;

export interface CompanySchedulePlan {
  key: ScheduleKey;
  scheduleId: string;
  cadence: Cadence;
  /** What each run refreshes; undefined: every fetchOnFirstLink type, as the settings say when it runs. */
  dataTypes: DataType[] | undefined;
  spec: ScheduleSpec;
}

export const companyScheduleId = (companyId: string, key: ScheduleKey): string =>
  key === 'default' ? `company-refresh/${companyId}` : `company-refresh/${companyId}/${key}`;

/** The key of a schedule id made by companyScheduleId, or undefined for any other id. */
export function scheduleKeyOf(companyId: string, scheduleId: string): ScheduleKey | undefined {
  const base = `company-refresh/${companyId}`;
  if (scheduleId === base) return 'default';
  return scheduleId.startsWith(`${base}/`) ? (scheduleId.slice(base.length + 1) as DataType) : undefined;
}

export const scheduledWorkflowId = (companyId: string, key: ScheduleKey): string =>
  key === 'default' ? `scheduled-refresh/${companyId}` : `scheduled-refresh/${companyId}/${key}`;

/** A stable number in [0, modulo) from a string: where in its interval a schedule fires. */
function spread(text: string, modulo: number): number {
  return Number(createHash('sha256').update(text).digest().readBigUInt64BE(0) % BigInt(modulo));
}

/**
 * An interval spec: every `everyMs`, at an offset derived from the schedule id (so that a client's thousands of
 * companies spread evenly over the interval instead of all firing on the hour), with a jitter of a tenth of the
 * interval, at most MAX_JITTER_MS. Exported for tests, which use intervals of seconds.
 */
export function intervalSpec(scheduleId: string, everyMs: number): ScheduleSpec {
  const everySeconds = Math.max(1, Math.round(everyMs / 1000));
  return {
    intervals: [{ every: everySeconds * 1000, offset: spread(scheduleId, everySeconds) * 1000 }],
    jitter: Math.min(Math.floor((everySeconds * 1000) / 10), MAX_JITTER_MS),
  };
}

/**
 * A cron spec in its time zone. Cron times are the user's to choose, so there is no offset, only the jitter.
 * The expression rides along as the calendar's comment: Temporal compiles cron strings into calendars and would
 * otherwise not give it back.
 */
export function cronSpec(cron: string, timeZone: string): ScheduleSpec {
  return { cronExpressions: [`${cron} # ${cron}`], timezone: timeZone, jitter: MAX_JITTER_MS };
}

export function specOf(scheduleId: string, cadence: Cadence): ScheduleSpec {
  return cadence.kind === 'interval' ? intervalSpec(scheduleId, cadence.hours * 3_600_000) : cronSpec(cadence.cron, cadence.timeZone);
}

/** The schedules a company's effective sync settings call for (see the top of this file). Pure. */
export function planCompanySchedules(companyId: string, settings: readonly SyncSetting[]): CompanySchedulePlan[] {
  const fetched = [...settings].filter((s) => s.fetchOnFirstLink).sort((a, b) => a.syncOrder - b.syncOrder);
  const groups = new Map<string, { cadence: Cadence; dataTypes: DataType[] }>();
  for (const setting of fetched) {
    const cadence = cadenceOf(setting);
    if (!cadence) continue;
    const key = cadenceKey(cadence);
    const group = groups.get(key) ?? { cadence, dataTypes: [] };
    group.dataTypes.push(setting.dataType);
    groups.set(key, group);
  }
  // The largest group; on a tie, the one whose first type comes first in syncOrder (Map order).
  let common: { cadence: Cadence; dataTypes: DataType[] } | undefined;
  for (const group of groups.values()) if (!common || group.dataTypes.length > common.dataTypes.length) common = group;
  if (!common) return [];

  const plans: CompanySchedulePlan[] = [];
  const mainId = companyScheduleId(companyId, 'default');
  plans.push({
    key: 'default',
    scheduleId: mainId,
    cadence: common.cadence,
    // Only when some fetched types are not on this cadence must the run be told which types are.
    dataTypes: common.dataTypes.length === fetched.length ? undefined : common.dataTypes,
    spec: specOf(mainId, common.cadence),
  });
  for (const group of groups.values()) {
    if (group === common) continue;
    for (const dataType of group.dataTypes) {
      const scheduleId = companyScheduleId(companyId, dataType);
      plans.push({ key: dataType, scheduleId, cadence: group.cadence, dataTypes: [dataType], spec: specOf(scheduleId, group.cadence) });
    }
  }
  return plans;
}

export function describeCadence(cadence: Cadence): string {
  if (cadence.kind === 'cron') return `at "${cadence.cron}" (${cadence.timeZone})`;
  return cadence.hours === 1 ? 'every hour' : `every ${cadence.hours} hours`;
}

export interface ScheduleTarget {
  clientId: string;
  companyId: string;
  taskQueue: string;
  pullOptions: PullOptions;
}

/** The full options of one planned schedule: its spec, its policies and the refreshCompany run it starts. */
export function scheduleOptions(target: ScheduleTarget, plan: CompanySchedulePlan): ScheduleOptions {
  const input: RefreshCompanyInput = {
    clientId: target.clientId,
    companyId: target.companyId,
    ...(plan.dataTypes && { dataTypes: plan.dataTypes }),
    trigger: 'schedule',
    options: target.pullOptions,
  };
  const what = plan.key === 'default' ? (plan.dataTypes ? plan.dataTypes.join(', ') : 'every data type its sync settings fetch') : plan.key;
  return {
    scheduleId: plan.scheduleId,
    spec: plan.spec,
    action: {
      type: 'startWorkflow',
      workflowType: 'refreshCompany',
      taskQueue: target.taskQueue,
      workflowId: scheduledWorkflowId(target.companyId, plan.key),
      args: [input],
      typedSearchAttributes: [
        { key: CompanyId, value: target.companyId },
        { key: PullStatus, value: 'Queued' },
        { key: RefreshKind, value: 'company' },
      ],
      memo: { clientId: target.clientId, trigger: 'schedule', scheduleId: plan.scheduleId },
      staticSummary: `Scheduled refresh of company ${target.companyId}: ${what}, ${describeCadence(plan.cadence)}`,
    },
    policies: { overlap: SCHEDULE_OVERLAP, catchupWindow: CATCHUP_WINDOW, pauseOnFailure: false },
    // On the schedule itself too, so that the Web UI's Schedules page finds a company's schedules.
    typedSearchAttributes: [{ key: CompanyId, value: target.companyId }],
  };
}

/**
 * Creates the schedule, or updates it to these options if it exists. Idempotent. An update keeps whether the
 * schedule is paused, and its note: a settings change does not resume a schedule someone paused.
 */
export async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<void> {
  const handle = client.schedule.getHandle(options.scheduleId);
  for (let attempt = 0; ; attempt++) {
    try {
      await handle.update((current) => ({
        spec: options.spec,
        action: options.action,
        policies: options.policies ?? {},
        ...(options.typedSearchAttributes && { typedSearchAttributes: options.typedSearchAttributes }),
        state: { paused: current.state.paused, ...(current.state.note !== undefined && { note: current.state.note }) },
      }));
      return;
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
    try {
      await client.schedule.create(options);
      return;
    } catch (error) {
      // Created meanwhile by someone else (update it), or a deleted one of the same id still closing (wait).
      if (!(error instanceof ScheduleAlreadyRunning) || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

/** Deletes the schedule; one already gone is fine. Runs it started carry on. */
export async function deleteSchedule(client: Client, scheduleId: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

/** The schedule's description, or undefined if Temporal has no such schedule. */
export async function describeSchedule(handle: ScheduleHandle): Promise<ScheduleDescription | undefined> {
  try {
    return await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}
