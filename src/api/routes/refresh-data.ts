import { Router } from 'express';
import { DATA_TYPES, type DataType, isDataType } from '../../domain/index.js';
import type { RefreshService } from '../../services/refresh-service.js';
import { clientIdOf } from '../auth.js';
import { ApiError } from '../errors.js';
import { pagedResponse, readPaging } from '../paging.js';
import { toDataStatuses, toPullOperation } from '../wire.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function companyIdParam(value: string): string {
  // Ids are UUIDs; anything else names no company, so it gets the same answer as an unknown one.
  if (!UUID.test(value)) throw new ApiError(404, `No company was found with ID ${value}`);
  return value;
}

function dataTypeParam(value: string): DataType {
  if (!isDataType(value)) {
    throw new ApiError(400, `Invalid data type "${value}". Valid data types are: ${DATA_TYPES.join(', ')}`, 'PullApi');
  }
  return value;
}

function optionalQueryString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ApiError(400, `Query parameter ${name} must be given once`);
  return value;
}

/** Codat's "Refresh data" endpoints (Platform) / "Manage data" (Lending). */
export function refreshDataRoutes(refreshes: RefreshService): Router {
  const router = Router();

  router.post('/companies/:companyId/data/queue/:dataType', async (req, res) => {
    const companyId = companyIdParam(req.params.companyId);
    const dataType = dataTypeParam(req.params.dataType);
    const connectionId = optionalQueryString(req.query.connectionId, 'connectionId');
    if (connectionId !== undefined && !UUID.test(connectionId)) throw new ApiError(404, `Data connection ${connectionId} not found`);
    const pull = await refreshes.queueDataType({ clientId: clientIdOf(res), companyId, dataType, ...(connectionId && { connectionId }) });
    res.json(toPullOperation(pull));
  });

  router.get('/companies/:companyId/data/history', async (req, res) => {
    const companyId = companyIdParam(req.params.companyId);
    const paging = readPaging(req.query);
    const query = optionalQueryString(req.query.query, 'query');
    const orderBy = optionalQueryString(req.query.orderBy ?? req.query.orderby, 'orderBy');
    const { rows, total } = await refreshes.listPullOperations(clientIdOf(res), companyId, {
      ...paging,
      ...(query !== undefined && { query }),
      ...(orderBy !== undefined && { orderBy }),
    });
    res.json(pagedResponse(`/companies/${companyId}/data/history`, { query, orderBy }, paging, rows.map(toPullOperation), total));
  });

  router.get('/companies/:companyId/data/history/:datasetId', async (req, res) => {
    const companyId = companyIdParam(req.params.companyId);
    const { datasetId } = req.params;
    if (!UUID.test(datasetId)) throw new ApiError(404, `No dataset was found with ID ${datasetId}`);
    res.json(toPullOperation(await refreshes.getPullOperation(clientIdOf(res), companyId, datasetId)));
  });

  router.get('/companies/:companyId/dataStatus', async (req, res) => {
    const companyId = companyIdParam(req.params.companyId);
    res.json(toDataStatuses(await refreshes.dataStatus(clientIdOf(res), companyId)));
  });

  return router;
}
