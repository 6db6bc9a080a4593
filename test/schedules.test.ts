// Sync settings as Temporal Schedules: the mapping (hours, cron in a time zone, a schedule per data type whose
// cadence differs, none for 0), upkeep as settings change and companies come and go, and a schedule that really
// fires, against the run's dev server: paused, triggered, backfilled and resumed through the API.
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMessage } from '../src/api/errors.js';
import { ScheduleSchema, SchedulesSchema } from '../src/api/contract/schedules.js';
import type { Company } from '../src/api/wire.js';
import { defaultSyncSettings, type SyncSetting } from '../src/domain/index.js';
import { cronProblem, timeZoneProblem } from '../src/domain/schedule-cadence.js';
import { companyScheduleId, intervalSpec, planCompanySchedules, SCHEDULE_OVERLAP } from '../src/temporal/schedules.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

let h: Harness;
let other: Tenant;

beforeAll(async () => {
  h = await startHarness({ schedules: true });
  other = await h.addTenant();
});
afterAll(async () => {
  await h?.close();
});

type Schedule = ReturnType<typeof ScheduleSchema.parse>;
const HOUR = 3600;

/** Settings fetching only `types` (on first link), each with the given overrides. */
function settingsFor(types: Record<string, Partial<SyncSetting>>): SyncSetting[] {
  return defaultSyncSettings().map((s) => (s.dataType in types ? { ...s, ...types[s.dataType] } : { ...s, fetchOnFirstLink: false }));
}

async function createCompany(name: string, apiKey = h.tenant.apiKey): Promise<string> {
  const res = await h.request<Company>('POST', '/companies', { apiKey, body: { name } });
  expect(res.status).toBe(200);
  return res.body.id;
}

async function schedulesOf(companyId: string): Promise<Schedule[]> {
  const res = await h.request('GET', `/companies/${companyId}/schedules`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return SchedulesSchema.parse(res.body).schedules;
}

async function setCompanySettings(companyId: string, settings: SyncSetting[]) {
  const res = await h.request('POST', `/companies/${companyId}/syncSettings`, { body: { companyId, settings } });
  expect(res.status, JSON.stringify(res.body)).toBe(204);
}

const scheduleExists = (scheduleId: string) =>
  h.temporal.schedule
    .getHandle(scheduleId)
    .describe()
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof ScheduleNotFoundError) return false;
        throw error;
      },
    );

describe('mapping sync settings to schedules', () => {
  it('gives the most common cadence the company schedule and each other type its own; none for 0 or types not fetched', () => {
    const settings = settingsFor({
      invoices: { syncSchedule: 24 },
      bills: { syncSchedule: 24 },
      customers: { syncSchedule: 24 },
      payments: { syncSchedule: 1 },
      suppliers: { syncSchedule: 0 },
      balanceSheet: { syncCron: '0 2 * * *', syncTimeZone: 'Europe/London' },
    });
    const plans = planCompanySchedules('c-1', settings);
    expect(plans.map((p) => [p.key, p.scheduleId, p.dataTypes])).toEqual([
      // In syncOrder.
      ['default', 'company-refresh/c-1', ['bills', 'customers', 'invoices']],
      ['balanceSheet', 'company-refresh/c-1/balanceSheet', ['balanceSheet']],
      ['payments', 'company-refresh/c-1/payments', ['payments']],
    ]);
    const [company, balanceSheet, payments] = plans;
    // Hours: an interval at an offset derived from the schedule id, with a tenth of it (at most 5 minutes) as jitter.
    const every = company!.spec.intervals![0]!;
    expect(every.every).toBe(24 * HOUR * 1000);
    expect(Number(every.offset)).toBeGreaterThanOrEqual(0);
    expect(Number(every.offset)).toBeLessThan(24 * HOUR * 1000);
    expect(Number(every.offset) % 1000).toBe(0);
    expect(company!.spec.jitter).toBe(5 * 60_000);
    expect(payments!.spec.jitter).toBe(5 * 60_000);
    expect(planCompanySchedules('c-1', settings)[0]!.spec).toEqual(company!.spec);
    expect(planCompanySchedules('c-2', settings)[0]!.spec.intervals![0]!.offset).not.toBe(every.offset);
    expect(intervalSpec('x', 2000).jitter).toBe(200);
    // Cron wins over hours, read in its time zone.
    expect(balanceSheet!.spec).toMatchObject({ cronExpressions: ['0 2 * * * # 0 2 * * *'], timezone: 'Europe/London' });
    // Every fetched type on one cadence: the run reads the settings when it starts (dataTypes unset).
    expect(planCompanySchedules('c-1', defaultSyncSettings())).toMatchObject([{ key: 'default', dataTypes: undefined }]);
    expect(planCompanySchedules('c-1', settingsFor({ invoices: { syncSchedule: 0 } }))).toEqual([]);
    expect(SCHEDULE_OVERLAP).toBe('SKIP');
  });

  it('checks cron expressions and time zones as Temporal will', () => {
    for (const ok of ['0 2 * * *', '*/15 * * * *', '5/10 * * * *', '0 0 1 jan *', '0 0 * * mon-fri', '0 0 * * 7', '1-5/2 0,12 * * *', '@daily', '@hourly']) {
      expect(cronProblem(ok), ok).toBeUndefined();
    }
    for (const bad of ['60 * * * *', '0 0 * * 8', 'x * * * *', '0 0 L * *', '0 0 ? * *', '* * * *', '0 0 * * * 2030', '*/0 * * * *', '5-1 * * * *', '@every 1h', '@reboot']) {
      expect(cronProblem(bad), bad).toBeDefined();
    }
    for (const ok of ['Europe/London', 'US/Pacific', 'Asia/Kolkata', 'UTC', 'Etc/UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires']) {
      expect(timeZoneProblem(ok), ok).toBeUndefined();
    }
    for (const bad of ['europe/london', 'Europe/LONDON', '+05:00', 'Nowhere/Special', '', 'Local']) {
      expect(timeZoneProblem(bad), bad).toBeDefined();
    }
  });
});

describe('schedules kept in step', () => {
  it('creates the company schedule with the company: refreshCompany on the task queue, every 24 hours, SKIP', async () => {
    const companyId = await createCompany('Scheduled Ltd');
    const [schedule, ...more] = await schedulesOf(companyId);
    expect(more).toEqual([]);
    expect(schedule).toMatchObject({
      id: 'default',
      scheduleId: `company-refresh/${companyId}`,
      companyId,
      dataTypes: null,
      spec: { intervalSeconds: 24 * HOUR, jitterSeconds: 300 },
      overlap: 'SKIP',
      paused: false,
      actionsTaken: 0,
    });
    expect(schedule!.spec.offsetSeconds).toBeLessThan(24 * HOUR);
    expect(schedule!.nextActionTimes.length).toBeGreaterThan(0);

    const described = await h.temporal.schedule.getHandle(companyScheduleId(companyId, 'default')).describe();
    expect(described.action).toMatchObject({ workflowType: 'refreshCompany', taskQueue: h.taskQueue, workflowId: `scheduled-refresh/${companyId}` });
    expect(described.action.args).toEqual([
      { clientId: h.tenant.clientId, companyId, trigger: 'schedule', options: { maxAttempts: 3, batchSeconds: 30, heartbeatTimeoutSeconds: 30 } },
    ]);
    expect(described.action.memo).toMatchObject({ clientId: h.tenant.clientId, trigger: 'schedule' });
    const attributes = described.action.typedSearchAttributes!;
    expect((Array.isArray(attributes) ? attributes : attributes.getAll()).map((p) => [p.key.name, p.value]).sort()).toEqual([
      ['CompanyId', companyId],
      ['PullStatus', 'Queued'],
      ['RefreshKind', 'company'],
    ]);
    expect(described.policies).toMatchObject({ overlap: 'SKIP', pauseOnFailure: false });
    // The schedule carries the company too, for operators listing a company's schedules.
    await eventually(
      async () => {
        const ids: string[] = [];
        for await (const s of h.temporal.schedule.list({ query: `CompanyId = "${companyId}"` })) ids.push(s.scheduleId);
        return ids;
      },
      (ids) => ids.length === 1 && ids[0] === `company-refresh/${companyId}`,
      15_000,
    );
  });

  it('follows company settings: cron in a time zone, a type of its own, removal; a paused schedule stays paused', async () => {
    const companyId = await createCompany('Cron Ltd');
    await setCompanySettings(
      companyId,
      settingsFor({
        invoices: { syncCron: '30 2 * * mon-fri', syncTimeZone: 'Europe/London' },
        bills: { syncCron: '30 2 * * mon-fri', syncTimeZone: 'Europe/London' },
        payments: { syncSchedule: 6 },
      }),
    );
    let schedules = await schedulesOf(companyId);
    expect(schedules.map((s) => [s.id, s.dataTypes, s.spec])).toEqual([
      ['default', ['bills', 'invoices'], { cron: '30 2 * * mon-fri', timeZone: 'Europe/London', jitterSeconds: 300 }],
      ['payments', ['payments'], { intervalSeconds: 6 * HOUR, offsetSeconds: expect.any(Number), jitterSeconds: 300 }],
    ]);
    const next = new Date(schedules[0]!.nextActionTimes[0]!);
    // 02:30 in London is 01:30 or 02:30 UTC, plus up to five minutes of jitter; never on a weekend.
    expect([1, 2]).toContain(next.getUTCHours());
    expect(next.getUTCMinutes()).toBeGreaterThanOrEqual(30);
    expect(next.getUTCMinutes()).toBeLessThan(36);
    expect([0, 6]).not.toContain(next.getUTCDay());

    expect((await h.request('POST', `/companies/${companyId}/schedules/default/pause`, { body: { note: 'quarter end' } })).status).toBe(200);
    await setCompanySettings(companyId, settingsFor({ invoices: { syncSchedule: 12 }, bills: { syncSchedule: 12 }, payments: { syncSchedule: 0 } }));
    schedules = await schedulesOf(companyId);
    expect(schedules.map((s) => [s.id, s.dataTypes, s.spec.intervalSeconds, s.paused, s.note])).toEqual([['default', ['bills', 'invoices'], 12 * HOUR, true, 'quarter end']]);
    expect(await scheduleExists(companyScheduleId(companyId, 'payments'))).toBe(false);

    // Nothing fetched on a schedule: no schedules at all.
    await setCompanySettings(companyId, settingsFor({ invoices: { syncSchedule: 0 } }));
    expect(await schedulesOf(companyId)).toEqual([]);
    expect(await scheduleExists(companyScheduleId(companyId, 'default'))).toBe(false);
  });

  it("follows the client's settings in companies without their own", async () => {
    const tenant = await h.addTenant();
    const follower = await createCompany('Follower', tenant.apiKey);
    const own = await createCompany('Own settings', tenant.apiKey);
    const ownSettings = settingsFor({ invoices: { syncSchedule: 2 } });
    expect((await h.request('POST', `/companies/${own}/syncSettings`, { apiKey: tenant.apiKey, body: { companyId: own, settings: ownSettings } })).status).toBe(204);
    const clientSettings = defaultSyncSettings().map((s) => ({ ...s, syncSchedule: 6 }));
    expect((await h.request('POST', '/profile/syncSettings', { apiKey: tenant.apiKey, body: { clientId: tenant.clientId, settings: clientSettings } })).status).toBe(204);

    const spec = async (companyId: string) => (await h.temporal.schedule.getHandle(companyScheduleId(companyId, 'default')).describe()).spec.intervals?.[0]?.every;
    expect(await spec(follower)).toBe(6 * HOUR * 1000);
    expect(await spec(own)).toBe(2 * HOUR * 1000);
    // The harness made its company without the API: it gets its schedule from the client's settings now.
    expect(await spec(tenant.companyId)).toBe(6 * HOUR * 1000);
  });

  it('refuses a bad cron expression or time zone, and a time zone without a cron', async () => {
    const companyId = h.tenant.companyId;
    for (const [setting, field] of [
      [{ syncCron: '0 25 * * *' }, 'syncCron'],
      [{ syncCron: '0 2 * * *', syncTimeZone: 'Mars/Olympus' }, 'syncTimeZone'],
      [{ syncCron: '0 2 * * *', syncTimeZone: 'europe/london' }, 'syncTimeZone'],
      [{ syncTimeZone: 'Europe/London' }, 'syncTimeZone'],
    ] as const) {
      const res = await h.request<ErrorMessage>('POST', `/companies/${companyId}/syncSettings`, { body: { companyId, settings: settingsFor({ invoices: setting }) } });
      expect(res.status, JSON.stringify(setting)).toBe(400);
      expect(res.body.error).toContain(`body.settings.${defaultSyncSettings().findIndex((s) => s.dataType === 'invoices')}.${field}`);
    }
  });

  it('deletes every schedule of a company with the company', async () => {
    const companyId = await createCompany('Short-lived');
    await setCompanySettings(companyId, settingsFor({ invoices: { syncSchedule: 24 }, bills: { syncSchedule: 24 }, payments: { syncSchedule: 3 } }));
    const ids = (await schedulesOf(companyId)).map((s) => s.scheduleId);
    expect(ids).toHaveLength(2);
    expect((await h.request('DELETE', `/companies/${companyId}`)).status).toBe(204);
    for (const id of ids) expect(await scheduleExists(id)).toBe(false);
    expect(await h.store.schedules.idsOf(companyId)).toEqual([]);
  });
});

describe('a schedule that fires', () => {
  let companyId: string;
  let scheduleId: string;
  const path = () => `/companies/${companyId}/schedules/default`;
  const describeIt = () => h.temporal.schedule.getHandle(scheduleId).describe();
  const fired = (d: Awaited<ReturnType<typeof describeIt>>) => d.info.numActionsTaken + d.info.numActionsSkippedOverlap;

  beforeAll(async () => {
    // A company without connections: its refreshes have nothing to pull, so runs end at once.
    companyId = await createCompany('Every two seconds');
    scheduleId = companyScheduleId(companyId, 'default');
    // Production intervals are hours; this one keeps everything but the spec, which it makes 2 seconds.
    await h.temporal.schedule.getHandle(scheduleId).update((current) => ({ ...current, spec: intervalSpec(scheduleId, 2000), state: { paused: false } }));
  });
  afterAll(async () => {
    await h.request('DELETE', `/companies/${companyId}`);
  });

  it('starts refreshCompany runs on its own, marked with the schedule and the company', async () => {
    const described = await eventually(describeIt, (d) => d.info.numActionsTaken >= 1 && fired(d) >= 2, 15_000);
    const run = described.info.recentActions[0]!.action.workflow;
    expect(run.workflowId).toMatch(new RegExp(`^scheduled-refresh/${companyId}-\\d{4}-\\d{2}-\\d{2}T`));
    const workflow = await h.temporal.workflow.getHandle(run.workflowId, run.firstExecutionRunId).describe();
    expect(workflow.type).toBe('refreshCompany');
    expect(workflow.taskQueue).toBe(h.taskQueue);
    expect(workflow.typedSearchAttributes.getAll().find((p) => p.key.name === 'CompanyId')?.value).toBe(companyId);
    expect(workflow.typedSearchAttributes.getAll().find((p) => p.key.name === 'TemporalScheduledById')?.value).toBe(scheduleId);
    // Operators find the schedule's runs in the Web UI with this query.
    const listed = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const w of h.temporal.workflow.list({ query: `TemporalScheduledById = "${scheduleId}"` })) ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.includes(run.workflowId),
      15_000,
    );
    expect(listed.every((id) => id.startsWith(`scheduled-refresh/${companyId}-`))).toBe(true);

    const view = ScheduleSchema.parse((await h.request('GET', path())).body);
    expect(view).toMatchObject({ id: 'default', spec: { intervalSeconds: 2, jitterSeconds: 0.2 }, paused: false });
    expect(view.recentActions[0]).toMatchObject({ workflowId: run.workflowId, runId: run.firstExecutionRunId });
  });

  it('takes no action while paused', async () => {
    const paused = await h.request<Schedule>('POST', `${path()}/pause`, { body: { note: 'maintenance' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, note: 'maintenance' });
    const before = await describeIt();
    expect(before.state).toMatchObject({ paused: true, note: 'maintenance' });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const after = await describeIt();
    expect(fired(after)).toBe(fired(before));
    expect(after.info.recentActions.length).toBe(before.info.recentActions.length);
  });

  it('starts a run at once when triggered, even while paused', async () => {
    const before = await describeIt();
    const res = await h.request<Schedule>('POST', `${path()}/trigger`, { body: {} });
    expect(res.status).toBe(202);
    const after = await eventually(describeIt, (d) => d.info.numActionsTaken === before.info.numActionsTaken + 1, 10_000);
    const run = after.info.recentActions.at(-1)!.action.workflow;
    expect(before.info.recentActions.map((a) => a.action.workflow.workflowId)).not.toContain(run.workflowId);
    expect((await h.temporal.workflow.getHandle(run.workflowId, run.firstExecutionRunId).describe()).type).toBe('refreshCompany');
    expect(after.state.paused).toBe(true);
  });

  it('backfills a past window: every action of it, started now', async () => {
    const before = await describeIt();
    const end = new Date(Date.now() - 60_000);
    const start = new Date(end.getTime() - 9_000);
    const res = await h.request<Schedule>('POST', `${path()}/backfill`, {
      body: { start: start.toISOString(), end: end.toISOString(), overlap: 'ALLOW_ALL' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const after = await eventually(describeIt, (d) => d.info.numActionsTaken >= before.info.numActionsTaken + 4, 10_000);
    const backfilled = after.info.recentActions.filter((a) => a.scheduledAt >= start && a.scheduledAt <= end);
    // A 9-second window of a 2-second interval holds 4 or 5 action times.
    expect(backfilled.length).toBeGreaterThanOrEqual(4);
    expect(backfilled.length).toBeLessThanOrEqual(5);
    for (const action of backfilled) expect(action.takenAt.getTime()).toBeGreaterThan(end.getTime());
    expect(after.state.paused).toBe(true);
  });

  it('refuses a backfill window that is backwards, too long or odd', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    for (const body of [
      { start: iso(now - 1000), end: iso(now - 2000) },
      { start: iso(now - 40 * 86_400_000), end: iso(now) },
      { start: 'yesterday', end: iso(now) },
      { start: '1970-01-01T00:00:00Z', end: '1970-01-02T00:00:00Z' },
      { start: iso(now - 2000), end: iso(now), overlap: 'TERMINATE_OTHER' },
    ]) {
      const res = await h.request<ErrorMessage>('POST', `${path()}/backfill`, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('fires again once resumed', async () => {
    const res = await h.request<Schedule>('POST', `${path()}/resume`, { body: {} });
    expect(res.status).toBe(200);
    expect(res.body.paused).toBe(false);
    const before = await describeIt();
    await eventually(describeIt, (d) => fired(d) > fired(before), 10_000);
  });
});

describe('tenant isolation', () => {
  it("answers 404 for another client's company and for a schedule a company does not have, 400 for a bad schedule id", async () => {
    const companyId = await createCompany('Mine');
    const theirs = { apiKey: other.apiKey };
    expect((await h.request('GET', `/companies/${companyId}/schedules`, theirs)).status).toBe(404);
    expect((await h.request('GET', `/companies/${companyId}/schedules/default`, theirs)).status).toBe(404);
    for (const op of ['pause', 'resume', 'trigger']) {
      expect((await h.request('POST', `/companies/${companyId}/schedules/default/${op}`, { ...theirs, body: {} })).status, op).toBe(404);
    }
    const window = { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date().toISOString() };
    expect((await h.request('POST', `/companies/${companyId}/schedules/default/backfill`, { ...theirs, body: window })).status).toBe(404);
    expect((await schedulesOf(companyId)).map((s) => s.paused)).toEqual([false]);

    expect((await h.request('GET', `/companies/${companyId}/schedules/invoices`)).status).toBe(404);
    expect((await h.request('POST', `/companies/${companyId}/schedules/invoices/trigger`, { body: {} })).status).toBe(404);
    const bad = await h.request<ErrorMessage>('GET', `/companies/${companyId}/schedules/unicorns`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('path.scheduleId');
    expect((await h.request('GET', `/companies/${other.companyId}/schedules`)).status).toBe(404);
  });
});
