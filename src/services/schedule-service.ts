import type { Client, ScheduleDescription } from '@temporalio/client';
import type { DataType, PullOptions } from '../domain/index.js';
import type { Store } from '../store/index.js';
import {
  BACKFILL_OVERLAP,
  type ChoosableOverlap,
  companyScheduleId,
  deleteSchedule,
  describeSchedule,
  planCompanySchedules,
  type ScheduleKey,
  scheduleKeyOf,
  scheduleOptions,
  TRIGGER_OVERLAP,
  upsertSchedule,
} from '../temporal/schedules.js';
import { NotFoundError } from './errors.js';
import { effectiveSyncSettings } from './sync-settings-service.js';

export interface ScheduleServiceDeps {
  store: Store;
  temporal: Client;
  /** Where scheduled runs are started, and the pull options they carry (fixed at each schedule's last upsert). */
  taskQueue: string;
  pullOptions: PullOptions;
}

/** A company's schedule as the API shows it. */
export interface ScheduleView {
  id: ScheduleKey;
  scheduleId: string;
  companyId: string;
  dataTypes: DataType[] | null;
  spec: { intervalSeconds?: number; offsetSeconds?: number; cron?: string; timeZone?: string; jitterSeconds: number };
  overlap: string;
  paused: boolean;
  note: string | null;
  nextActionTimes: string[];
  recentActions: { scheduledAt: string; takenAt: string; workflowId: string; runId: string }[];
  runningWorkflows: { workflowId: string; runId: string }[];
  actionsTaken: number;
  actionsSkippedOverlap: number;
  actionsMissedCatchupWindow: number;
  created: string;
  updated: string | null;
}

/** How many companies a client-wide settings change re-plans at once. */
const CLIENT_SYNC_CONCURRENCY = 8;

/**
 * Keeps each company's Temporal Schedules in step with its sync settings, and operates them for the API
 * (within one client: another client's company is a 404).
 */
export class ScheduleService {
  constructor(private readonly deps: ScheduleServiceDeps) {}

  /**
   * Brings the company's schedules in line with its effective sync settings: creates or updates the ones they
   * call for, deletes the ones they no longer do. Idempotent, so a request that failed half-way is mended by
   * running it again. Paused schedules stay paused.
   */
  async syncCompany(clientId: string, companyId: string): Promise<void> {
    const { store, temporal, taskQueue, pullOptions } = this.deps;
    const { settings } = await effectiveSyncSettings(store, clientId, companyId);
    const plans = planCompanySchedules(companyId, settings);
    const wanted = plans.map((p) => p.scheduleId);
    const existing = await store.schedules.idsOf(companyId);
    // Registered before it exists in Temporal, forgotten only after it is gone: nothing escapes the registry.
    await store.schedules.register(companyId, wanted.filter((id) => !existing.includes(id)));
    await Promise.all(plans.map((plan) => upsertSchedule(temporal, scheduleOptions({ clientId, companyId, taskQueue, pullOptions }, plan))));
    const stale = existing.filter((id) => !wanted.includes(id));
    await Promise.all(stale.map((id) => deleteSchedule(temporal, id)));
    await store.schedules.forget(companyId, stale);
  }

  /**
   * After a client's settings change: re-plans every company of the client that has no settings of its own, a
   * few at a time. This runs within the request; for a client with many thousands of companies it would belong
   * in a workflow (one activity per batch of companies) instead.
   */
  async syncClient(clientId: string): Promise<void> {
    const companies = await this.deps.store.schedules.companiesFollowingClient(clientId);
    let next = 0;
    const lane = async () => {
      while (next < companies.length) await this.syncCompany(clientId, companies[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(CLIENT_SYNC_CONCURRENCY, companies.length) }, lane));
  }

  /** Deletes every schedule of the company (before the company itself goes). Runs already started carry on. */
  async deleteCompanySchedules(companyId: string): Promise<void> {
    const ids = await this.deps.store.schedules.idsOf(companyId);
    await Promise.all(ids.map((id) => deleteSchedule(this.deps.temporal, id)));
    await this.deps.store.schedules.forget(companyId, ids);
  }

  async list(clientId: string, companyId: string): Promise<ScheduleView[]> {
    await this.requireCompany(clientId, companyId);
    const views = await Promise.all(
      (await this.deps.store.schedules.idsOf(companyId)).map(async (id) => {
        const description = await describeSchedule(this.deps.temporal.schedule.getHandle(id));
        return description && toView(companyId, description);
      }),
    );
    return views.filter((v) => v !== undefined).sort((a, b) => (a.id === 'default' ? -1 : b.id === 'default' ? 1 : a.id.localeCompare(b.id)));
  }

  async get(clientId: string, companyId: string, key: ScheduleKey): Promise<ScheduleView> {
    return toView(companyId, await this.describe(clientId, companyId, key));
  }

  async pause(clientId: string, companyId: string, key: ScheduleKey, note?: string): Promise<ScheduleView> {
    await this.describe(clientId, companyId, key);
    await this.handle(companyId, key).pause(note ?? 'Paused through the Sluice API');
    return this.get(clientId, companyId, key);
  }

  async resume(clientId: string, companyId: string, key: ScheduleKey, note?: string): Promise<ScheduleView> {
    await this.describe(clientId, companyId, key);
    await this.handle(companyId, key).unpause(note ?? 'Resumed through the Sluice API');
    return this.get(clientId, companyId, key);
  }

  /** Takes the schedule's action now (even if paused). The TS SDK would default to ALLOW_ALL; the policy is always passed. */
  async trigger(clientId: string, companyId: string, key: ScheduleKey, overlap: ChoosableOverlap = TRIGGER_OVERLAP): Promise<ScheduleView> {
    await this.describe(clientId, companyId, key);
    await this.handle(companyId, key).trigger(overlap);
    return this.get(clientId, companyId, key);
  }

  /** Takes every action the schedule would have taken between `start` and `end`, now (even if paused). */
  async backfill(
    clientId: string,
    companyId: string,
    key: ScheduleKey,
    window: { start: Date; end: Date; overlap?: ChoosableOverlap | undefined },
  ): Promise<ScheduleView> {
    await this.describe(clientId, companyId, key);
    await this.handle(companyId, key).backfill({ start: window.start, end: window.end, overlap: window.overlap ?? BACKFILL_OVERLAP });
    return this.get(clientId, companyId, key);
  }

  private handle(companyId: string, key: ScheduleKey) {
    return this.deps.temporal.schedule.getHandle(companyScheduleId(companyId, key));
  }

  /** The schedule, if the company is the client's and has it. */
  private async describe(clientId: string, companyId: string, key: ScheduleKey): Promise<ScheduleDescription> {
    await this.requireCompany(clientId, companyId);
    const scheduleId = companyScheduleId(companyId, key);
    const registered = (await this.deps.store.schedules.idsOf(companyId)).includes(scheduleId);
    const description = registered ? await describeSchedule(this.deps.temporal.schedule.getHandle(scheduleId)) : undefined;
    if (!description) throw new NotFoundError(`Company ${companyId} has no schedule "${key}"`);
    return description;
  }

  private async requireCompany(clientId: string, companyId: string) {
    if (!(await this.deps.store.companies.getCompany(clientId, companyId))) throw new NotFoundError(`No company was found with ID ${companyId}`);
  }
}

function toView(companyId: string, d: ScheduleDescription): ScheduleView {
  const interval = d.spec.intervals?.[0];
  const calendar = d.spec.calendars?.[0];
  const input = d.action.args?.[0] as { dataTypes?: DataType[] } | undefined;
  return {
    id: scheduleKeyOf(companyId, d.scheduleId) ?? 'default',
    scheduleId: d.scheduleId,
    companyId,
    dataTypes: input?.dataTypes ?? null,
    spec: {
      ...(interval && { intervalSeconds: interval.every / 1000, offsetSeconds: interval.offset / 1000 }),
      // cronSpec keeps the expression as the calendar's comment.
      ...(calendar && { cron: calendar.comment ?? '', timeZone: d.spec.timezone || 'UTC' }),
      jitterSeconds: (d.spec.jitter ?? 0) / 1000,
    },
    overlap: d.policies.overlap ?? 'SKIP',
    paused: d.state.paused,
    note: d.state.note || null,
    nextActionTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentActions: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
      runId: a.action.workflow.firstExecutionRunId,
    })),
    runningWorkflows: d.info.runningActions.map((a) => ({ workflowId: a.workflow.workflowId, runId: a.workflow.firstExecutionRunId })),
    actionsTaken: d.info.numActionsTaken,
    actionsSkippedOverlap: d.info.numActionsSkippedOverlap,
    actionsMissedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    created: d.info.createdAt.toISOString(),
    updated: d.info.lastUpdatedAt?.toISOString() ?? null,
  };
}
