import { Router } from 'express';
import { z } from 'zod';
import type { ConnectorRegistry } from '../../connectors/registry.js';
import type { CompanyService } from '../../services/company-service.js';
import {
  CompaniesSchema,
  CompanyRequestBodySchema,
  CompanySchema,
  companyId,
  ConnectionRequestBodySchema,
  ConnectionSchema,
  ConnectionsSchema,
  connectionId,
  ListQuerySchema,
  UpdateConnectionStatusSchema,
} from '../contract/models.js';
import { bindOperation, defineOperation } from '../contract/operation.js';
import { pagedResponse } from '../paging.js';
import { toCompany, toConnection } from '../wire.js';

const companyPath = z.object({ companyId });
const connectionPath = z.object({ companyId, connectionId });

export const companyOperations = {
  create: defineOperation({
    operationId: 'create-company', summary: 'Create company', tags: ['Companies'], method: 'post', path: '/companies',
    body: CompanyRequestBodySchema,
    success: { status: 200, description: 'The new company', schema: CompanySchema },
    errors: [400],
  }),
  list: defineOperation({
    operationId: 'list-companies', summary: 'List companies', tags: ['Companies'], method: 'get', path: '/companies',
    query: ListQuerySchema,
    success: { status: 200, description: "The client's companies", schema: CompaniesSchema },
    errors: [400],
  }),
  get: defineOperation({
    operationId: 'get-company', summary: 'Get company', tags: ['Companies'], method: 'get', path: '/companies/{companyId}',
    params: companyPath,
    success: { status: 200, description: 'The company', schema: CompanySchema },
    errors: [404],
  }),
  delete: defineOperation({
    operationId: 'delete-company', summary: 'Delete a company', tags: ['Companies'], method: 'delete', path: '/companies/{companyId}',
    params: companyPath,
    success: { status: 204, description: 'Deleted, with its connections, pull operations and records' },
    errors: [404],
  }),
  createConnection: defineOperation({
    operationId: 'create-connection', summary: 'Create connection', tags: ['Connections'], method: 'post', path: '/companies/{companyId}/connections',
    params: companyPath,
    body: ConnectionRequestBodySchema,
    success: { status: 200, description: 'The new connection', schema: ConnectionSchema },
    errors: [400, 404],
  }),
  listConnections: defineOperation({
    operationId: 'list-connections', summary: 'List connections', tags: ['Connections'], method: 'get', path: '/companies/{companyId}/connections',
    params: companyPath,
    query: ListQuerySchema,
    success: { status: 200, description: "The company's connections", schema: ConnectionsSchema },
    errors: [400, 404],
  }),
  getConnection: defineOperation({
    operationId: 'get-connection', summary: 'Get connection', tags: ['Connections'], method: 'get', path: '/companies/{companyId}/connections/{connectionId}',
    params: connectionPath,
    success: { status: 200, description: 'The connection', schema: ConnectionSchema },
    errors: [404],
  }),
  unlinkConnection: defineOperation({
    operationId: 'unlink-connection', summary: 'Unlink connection', tags: ['Connections'], method: 'patch', path: '/companies/{companyId}/connections/{connectionId}',
    params: connectionPath,
    body: UpdateConnectionStatusSchema,
    success: { status: 200, description: 'The unlinked connection', schema: ConnectionSchema },
    errors: [400, 404],
  }),
  deleteConnection: defineOperation({
    operationId: 'delete-connection', summary: 'Delete connection', tags: ['Connections'], method: 'delete', path: '/companies/{companyId}/connections/{connectionId}',
    params: connectionPath,
    success: { status: 204, description: 'Deleted, with its pull operations and records' },
    errors: [404],
  }),
};

/** Companies and their connections, in Codat's shapes. */
export function companyRoutes(companies: CompanyService, connectors: ConnectorRegistry): Router {
  const router = Router();
  const ops = companyOperations;
  const connection = (row: Parameters<typeof toConnection>[0]) => toConnection(row, connectors);

  bindOperation(router, ops.create, async ({ body, clientId }) => toCompany(await companies.create(clientId, body.name, body.description), connectors));
  bindOperation(router, ops.list, async ({ query, clientId }) => {
    const { rows, total } = await companies.list(clientId, query);
    return pagedResponse('/companies', query, rows.map((c) => toCompany(c, connectors)), total);
  });
  bindOperation(router, ops.get, async ({ params, clientId }) => toCompany(await companies.get(clientId, params.companyId), connectors));
  bindOperation(router, ops.delete, ({ params, clientId }) => companies.delete(clientId, params.companyId));

  bindOperation(router, ops.createConnection, async ({ params, body, clientId }) =>
    connection(await companies.createConnection(clientId, params.companyId, body.platformKey, body.parameters)),
  );
  bindOperation(router, ops.listConnections, async ({ params, query, clientId }) => {
    const { rows, total } = await companies.listConnections(clientId, params.companyId, query);
    return pagedResponse(`/companies/${params.companyId}/connections`, query, rows.map(connection), total);
  });
  bindOperation(router, ops.getConnection, async ({ params, clientId }) => connection(await companies.getConnection(clientId, params.companyId, params.connectionId)));
  bindOperation(router, ops.unlinkConnection, async ({ params, clientId }) =>
    connection(await companies.unlinkConnection(clientId, params.companyId, params.connectionId)),
  );
  bindOperation(router, ops.deleteConnection, ({ params, clientId }) => companies.deleteConnection(clientId, params.companyId, params.connectionId));

  return router;
}
