import { Router } from 'express';
import { z } from 'zod';
import type { RefreshService } from '../../services/refresh-service.js';
import { companyId, connectionId, DataStatusesSchema, DataTypeSchema, ListQuerySchema, PullOperationSchema, PullOperationsSchema } from '../contract/models.js';
import { bindOperation, defineOperation } from '../contract/operation.js';
import { pagedResponse } from '../paging.js';
import { toDataStatuses, toPullOperation } from '../wire.js';

const tags = ['Refresh data'];
const datasetId = z.string().meta({ description: 'Unique identifier of a pull operation (dataset)', format: 'uuid' });

export const refreshDataOperations = {
  all: defineOperation({
    operationId: 'refresh-company-data',
    summary: 'Refresh all data',
    tags,
    method: 'post',
    path: '/companies/{companyId}/data/all',
    params: z.object({ companyId }),
    success: { status: 204, description: 'Pulls queued for every fetch-on-first-link data type the connections support' },
    errors: [404],
  }),
  queue: defineOperation({
    operationId: 'refresh-data-type',
    summary: 'Refresh data type',
    tags,
    method: 'post',
    path: '/companies/{companyId}/data/queue/{dataType}',
    params: z.object({ companyId, dataType: DataTypeSchema }),
    query: z.object({
      connectionId: connectionId.optional(),
      full: z.enum(['true', 'false']).optional().meta({
        description: 'true: read everything and flag records no longer at the source as deleted. Default: the sync setting, else incremental',
      }),
    }),
    success: { status: 200, description: 'The queued pull operation, or the one already running', schema: PullOperationSchema },
    errors: [400, 404],
  }),
  history: defineOperation({
    operationId: 'list-pull-operations',
    summary: 'List pull operations',
    tags,
    method: 'get',
    path: '/companies/{companyId}/data/history',
    params: z.object({ companyId }),
    query: ListQuerySchema,
    success: { status: 200, description: "The company's pull operations", schema: PullOperationsSchema },
    errors: [400, 404],
  }),
  pullOperation: defineOperation({
    operationId: 'get-pull-operation',
    summary: 'Get pull operation',
    tags,
    method: 'get',
    path: '/companies/{companyId}/data/history/{datasetId}',
    params: z.object({ companyId, datasetId }),
    success: { status: 200, description: 'The pull operation', schema: PullOperationSchema },
    errors: [404],
  }),
  cancel: defineOperation({
    operationId: 'cancel-pull-operation',
    summary: 'Cancel pull operation',
    tags,
    method: 'post',
    path: '/companies/{companyId}/data/history/{datasetId}/cancel',
    params: z.object({ companyId, datasetId }),
    success: {
      status: 202,
      description: 'Cancellation requested: the pull stops at its next page, keeps the pages it committed and ends Cancelled',
      schema: PullOperationSchema,
    },
    errors: [404, 409],
  }),
  dataStatus: defineOperation({
    operationId: 'get-company-data-status',
    summary: 'Get data status',
    tags,
    method: 'get',
    path: '/companies/{companyId}/dataStatus',
    params: z.object({ companyId }),
    success: { status: 200, description: 'The state of each data type', schema: DataStatusesSchema },
    errors: [404],
  }),
};

/** Codat's "Refresh data" endpoints (Platform) / "Manage data" (Lending). */
export function refreshDataRoutes(refreshes: RefreshService): Router {
  const router = Router();
  const ops = refreshDataOperations;

  bindOperation(router, ops.all, async ({ params, clientId }) => {
    await refreshes.queueAll(clientId, params.companyId);
  });

  bindOperation(router, ops.queue, async ({ params, query, clientId }) =>
    toPullOperation(
      await refreshes.queueDataType({
        clientId,
        ...params,
        ...(query.connectionId && { connectionId: query.connectionId }),
        ...(query.full && { fullPull: query.full === 'true' }),
      }),
    ),
  );

  bindOperation(router, ops.cancel, async ({ params, clientId }) =>
    toPullOperation(await refreshes.cancelPull(clientId, params.companyId, params.datasetId)),
  );

  bindOperation(router, ops.history, async ({ params, query, clientId }) => {
    const { rows, total } = await refreshes.listPullOperations(clientId, params.companyId, query);
    return pagedResponse(`/companies/${params.companyId}/data/history`, query, rows.map(toPullOperation), total);
  });

  bindOperation(router, ops.pullOperation, async ({ params, clientId }) =>
    toPullOperation(await refreshes.getPullOperation(clientId, params.companyId, params.datasetId)),
  );

  bindOperation(router, ops.dataStatus, async ({ params, clientId }) => toDataStatuses(await refreshes.dataStatus(clientId, params.companyId)));

  return router;
}
