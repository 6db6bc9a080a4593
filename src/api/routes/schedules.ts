import { Router } from 'express';
import { z } from 'zod';
import type { ScheduleService } from '../../services/schedule-service.js';
import { companyId } from '../contract/models.js';
import { bindOperation, defineOperation } from '../contract/operation.js';
import { BackfillScheduleSchema, ScheduleNoteSchema, schedulePath, ScheduleSchema, SchedulesSchema, TriggerScheduleSchema } from '../contract/schedules.js';

const tags = ['Schedules'];
const base = '/companies/{companyId}/schedules';

export const scheduleOperations = {
  list: defineOperation({
    operationId: 'list-company-schedules', summary: "List a company's schedules", tags, method: 'get', path: base,
    params: z.object({ companyId }),
    success: { status: 200, description: 'The Temporal Schedules its sync settings make, with their state and recent runs', schema: SchedulesSchema },
    errors: [404],
  }),
  get: defineOperation({
    operationId: 'get-company-schedule', summary: 'Get a schedule', tags, method: 'get', path: `${base}/{scheduleId}`,
    params: schedulePath,
    success: { status: 200, description: 'The schedule', schema: ScheduleSchema },
    errors: [400, 404],
  }),
  pause: defineOperation({
    operationId: 'pause-company-schedule', summary: 'Pause a schedule', tags, method: 'post', path: `${base}/{scheduleId}/pause`,
    params: schedulePath,
    body: ScheduleNoteSchema,
    success: { status: 200, description: 'The paused schedule (settings changes keep it paused)', schema: ScheduleSchema },
    errors: [400, 404],
  }),
  resume: defineOperation({
    operationId: 'resume-company-schedule', summary: 'Resume a schedule', tags, method: 'post', path: `${base}/{scheduleId}/resume`,
    params: schedulePath,
    body: ScheduleNoteSchema,
    success: { status: 200, description: 'The resumed schedule', schema: ScheduleSchema },
    errors: [400, 404],
  }),
  trigger: defineOperation({
    operationId: 'trigger-company-schedule', summary: "Run a schedule's refresh now", tags, method: 'post', path: `${base}/{scheduleId}/trigger`,
    params: schedulePath,
    body: TriggerScheduleSchema,
    success: { status: 202, description: 'The run is being started (even if the schedule is paused); it shows in recentActions', schema: ScheduleSchema },
    errors: [400, 404],
  }),
  backfill: defineOperation({
    operationId: 'backfill-company-schedule', summary: 'Backfill a window of a schedule', tags, method: 'post', path: `${base}/{scheduleId}/backfill`,
    params: schedulePath,
    body: BackfillScheduleSchema,
    success: { status: 202, description: 'The runs the schedule would have started in the window are being started', schema: ScheduleSchema },
    errors: [400, 404],
  }),
};

export function scheduleRoutes(schedules: ScheduleService): Router {
  const router = Router();
  const ops = scheduleOperations;
  bindOperation(router, ops.list, async ({ params, clientId }) => ({ companyId: params.companyId, schedules: await schedules.list(clientId, params.companyId) }));
  bindOperation(router, ops.get, ({ params, clientId }) => schedules.get(clientId, params.companyId, params.scheduleId));
  bindOperation(router, ops.pause, ({ params, body, clientId }) => schedules.pause(clientId, params.companyId, params.scheduleId, body.note));
  bindOperation(router, ops.resume, ({ params, body, clientId }) => schedules.resume(clientId, params.companyId, params.scheduleId, body.note));
  bindOperation(router, ops.trigger, ({ params, body, clientId }) => schedules.trigger(clientId, params.companyId, params.scheduleId, body.overlap));
  bindOperation(router, ops.backfill, ({ params, body, clientId }) =>
    schedules.backfill(clientId, params.companyId, params.scheduleId, { start: new Date(body.start), end: new Date(body.end), overlap: body.overlap }),
  );
  return router;
}
