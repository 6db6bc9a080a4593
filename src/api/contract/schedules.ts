// The schedules API's wire models (Sluice's addition; Codat has no such API): a company's Temporal Schedules,
// as its sync settings make them, and the operations on one.
import { z } from 'zod';
import { DATA_TYPES } from '../../domain/index.js';
import { CHOOSABLE_OVERLAPS } from '../../temporal/schedules.js';
import { companyId, DataTypeSchema } from './models.js';

const dateTime = (description: string) => z.string().meta({ description, format: 'date-time', example: '2022-11-14T11:18:37.279Z' });

const SCHEDULE_KEYS = ['default', ...DATA_TYPES] as const;

export const ScheduleKeySchema = z
  .enum(SCHEDULE_KEYS, { error: (issue) => `Invalid schedule "${String(issue.input)}". A schedule is "default" or a data type with a schedule of its own` })
  .meta({
    id: 'ScheduleKey',
    description: 'The short id of a company schedule: "default" for the one most data types share (Temporal id company-refresh/{companyId}), or a data type whose sync setting gives it a schedule of its own (company-refresh/{companyId}/{dataType})',
  });

export const schedulePath = z.object({ companyId, scheduleId: ScheduleKeySchema });

const OverlapSchema = z.enum(CHOOSABLE_OVERLAPS).meta({
  id: 'ScheduleOverlapPolicy',
  description:
    'What to do if a run of the schedule is still going: SKIP (start nothing), BUFFER_ONE (start one when it ends), BUFFER_ALL (start each in turn), ALLOW_ALL (start now, alongside it)',
});

const RunSchema = z.object({
  workflowId: z.string().meta({ description: 'The workflow id of the refreshCompany run (the schedule appends the action time)' }),
  runId: z.string(),
});

export const ScheduleSchema = z
  .object({
    id: ScheduleKeySchema,
    scheduleId: z.string().meta({ description: "The Temporal schedule's id, as the Web UI shows it", example: 'company-refresh/8a210b68-6988-11ed-a1eb-0242ac120002' }),
    companyId: z.string().meta({ format: 'uuid' }),
    dataTypes: z.array(DataTypeSchema).nullable().meta({ description: 'What each run refreshes; null: every data type whose sync setting has fetchOnFirstLink' }),
    spec: z
      .object({
        intervalSeconds: z.number().optional().meta({ description: 'Every this many seconds (syncSchedule hours)' }),
        offsetSeconds: z.number().optional().meta({ description: 'Into each interval, derived from the schedule id so that companies spread over it' }),
        cron: z.string().optional().meta({ description: 'At the times this cron expression names (syncCron)' }),
        timeZone: z.string().optional().meta({ description: 'The time zone of cron (syncTimeZone)' }),
        jitterSeconds: z.number().meta({ description: 'Each run starts up to this much later, at random' }),
      })
      .meta({ id: 'ScheduleSpec' }),
    overlap: z.string().meta({ description: 'The overlap policy of scheduled runs: SKIP' }),
    paused: z.boolean(),
    note: z.string().nullable().meta({ description: 'Why it was paused or resumed' }),
    nextActionTimes: z.array(dateTime('A coming run time')),
    recentActions: z.array(
      RunSchema.extend({ scheduledAt: dateTime('The time the run was due (with jitter)'), takenAt: dateTime('When it was started') }),
    ).meta({ description: 'The latest runs started, oldest first (scheduled, triggered and backfilled)' }),
    runningWorkflows: z.array(RunSchema).meta({ description: 'Runs started by the schedule that are still going' }),
    actionsTaken: z.number().int(),
    actionsSkippedOverlap: z.number().int().meta({ description: 'Runs not started because the previous one was still going' }),
    actionsMissedCatchupWindow: z.number().int(),
    created: dateTime('When the schedule was created'),
    updated: dateTime('When it last changed').nullable(),
  })
  .meta({ id: 'Schedule', description: 'A Temporal Schedule that refreshes the company as its sync settings say' });

export const SchedulesSchema = z
  .object({ companyId: z.string().meta({ format: 'uuid' }), schedules: z.array(ScheduleSchema) })
  .meta({ id: 'Schedules' });

export const ScheduleNoteSchema = z
  .object({ note: z.string().max(1000).optional().meta({ description: 'Why; shown with the schedule here and in the Web UI' }) })
  .meta({ id: 'ScheduleNote' });

export const TriggerScheduleSchema = z
  .object({ overlap: OverlapSchema.optional().meta({ description: 'Default ALLOW_ALL: run now even if a run is going (its pulls join those in flight)' }) })
  .meta({ id: 'TriggerSchedule' });

/** The longest window one backfill may cover. */
export const MAX_BACKFILL_DAYS = 31;
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');

export const BackfillScheduleSchema = z
  .object({
    start: z.iso.datetime({ offset: true }).meta({ description: 'From this time (inclusive)', example: '2024-05-01T00:00:00Z' }),
    end: z.iso.datetime({ offset: true }).meta({ description: 'To this time', example: '2024-05-02T00:00:00Z' }),
    overlap: OverlapSchema.optional().meta({ description: 'Default BUFFER_ALL: every run of the window, one after another' }),
  })
  .refine((b) => Date.parse(b.start) >= EARLIEST, { message: 'start must be in the year 2000 or later', path: ['start'] })
  .refine((b) => Date.parse(b.start) < Date.parse(b.end), { message: 'start must be before end', path: ['end'] })
  .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= MAX_BACKFILL_DAYS * 86_400_000, {
    message: `A backfill covers at most ${MAX_BACKFILL_DAYS} days`,
    path: ['end'],
  })
  .meta({ id: 'BackfillSchedule' });
