import { Router } from 'express';
import { z } from 'zod';
import type { RecordsService } from '../../services/records-service.js';
import { companyId, connectionId, DataRecordsSchema, DataTypeSchema, RecordListQuerySchema } from '../contract/models.js';
import { bindOperation, defineOperation } from '../contract/operation.js';
import { pagedResponse } from '../paging.js';
import { toRecord } from '../wire.js';

const tags = ['Data'];

export const recordOperations = {
  list: defineOperation({
    operationId: 'list-records',
    summary: 'List records of a data type',
    tags,
    method: 'get',
    path: '/companies/{companyId}/data/{dataType}',
    params: z.object({ companyId, dataType: DataTypeSchema }),
    query: RecordListQuerySchema,
    success: { status: 200, description: "The company's records of the data type, from all its connections", schema: DataRecordsSchema },
    errors: [400, 404, 409],
  }),
  listForConnection: defineOperation({
    operationId: 'list-connection-records',
    summary: "List a connection's records of a data type",
    tags,
    method: 'get',
    path: '/companies/{companyId}/connections/{connectionId}/data/{dataType}',
    params: z.object({ companyId, connectionId, dataType: DataTypeSchema }),
    query: RecordListQuerySchema,
    success: { status: 200, description: "The connection's records of the data type", schema: DataRecordsSchema },
    errors: [400, 404, 409],
  }),
};

/**
 * The records pulls stored (Codat's data endpoints, e.g. `GET /companies/{companyId}/data/invoices`). Mount
 * after the refresh-data routes: `/companies/{companyId}/data/history` is theirs, not a data type.
 */
export function recordRoutes(records: RecordsService): Router {
  const router = Router();
  const ops = recordOperations;

  bindOperation(router, ops.list, async ({ params, query, clientId }) => {
    const { rows, total } = await records.list({ clientId, ...params, ...query });
    return pagedResponse(`/companies/${params.companyId}/data/${params.dataType}`, query, rows.map(toRecord), total);
  });

  bindOperation(router, ops.listForConnection, async ({ params, query, clientId }) => {
    const { rows, total } = await records.list({ clientId, ...params, ...query });
    return pagedResponse(`/companies/${params.companyId}/connections/${params.connectionId}/data/${params.dataType}`, query, rows.map(toRecord), total);
  });

  return router;
}
