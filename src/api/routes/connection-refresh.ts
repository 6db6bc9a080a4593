import { Router } from 'express';
import { z } from 'zod';
import type { ConnectionRefreshService } from '../../services/connection-refresh-service.js';
import { connectionId, RefreshConnectionDtoSchema, RefreshJobResponseSchema } from '../contract/models.js';
import { bindOperation, defineOperation } from '../contract/operation.js';
import { toRefreshJob } from '../wire.js';

const tags = ['Connection refresh'];

export const connectionRefreshOperations = {
  refresh: defineOperation({
    operationId: 'refresh-connection', summary: 'Refresh connection', tags, method: 'post', path: '/api/v1/connections/{connectionId}/refresh',
    params: z.object({ connectionId }),
    body: RefreshConnectionDtoSchema,
    success: { status: 200, description: 'The refresh job, started', schema: RefreshJobResponseSchema },
    errors: [400, 404],
  }),
  job: defineOperation({
    operationId: 'get-refresh-job', summary: 'Get refresh job', tags, method: 'get', path: '/api/v1/jobs/{jobId}',
    params: z.object({ jobId: z.string().meta({ format: 'uuid' }) }),
    success: { status: 200, description: 'The job, with its source and destination status', schema: RefreshJobResponseSchema },
    errors: [404],
  }),
  cancel: defineOperation({
    operationId: 'cancel-refresh-job', summary: 'Cancel refresh job', tags, method: 'post', path: '/api/v1/jobs/{jobId}/cancel',
    params: z.object({ jobId: z.string().meta({ format: 'uuid' }) }),
    success: { status: 202, description: 'Cancellation requested: each running pull stops at its next page and ends Cancelled', schema: RefreshJobResponseSchema },
    errors: [404, 409],
  }),
};

export function connectionRefreshRoutes(jobs: ConnectionRefreshService): Router {
  const router = Router();
  bindOperation(router, connectionRefreshOperations.refresh, async ({ params, body, clientId }) => ({
    body: toRefreshJob(await jobs.refresh(clientId, clientId, params.connectionId, body)),
    code: 200,
  }));
  bindOperation(router, connectionRefreshOperations.job, async ({ params, clientId }) => ({ body: toRefreshJob(await jobs.get(clientId, params.jobId)), code: 200 }));
  bindOperation(router, connectionRefreshOperations.cancel, async ({ params, clientId }) => ({
    body: toRefreshJob(await jobs.cancel(clientId, params.jobId)),
    code: 202,
  }));
  return router;
}
