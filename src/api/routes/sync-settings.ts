import { Router } from 'express';
import { z } from 'zod';
import type { SyncSettingsService } from '../../services/sync-settings-service.js';
import { ClientSyncSettingsSchema, CompanySyncSettingsSchema, companyId } from '../contract/models.js';
import { bindOperation, defineOperation } from '../contract/operation.js';

const tags = ['Sync settings'];

export const syncSettingsOperations = {
  getCompany: defineOperation({
    operationId: 'get-company-syncSettings', summary: "Get a company's sync settings", tags, method: 'get', path: '/companies/{companyId}/syncSettings',
    params: z.object({ companyId }),
    success: { status: 200, description: "The company's own settings, or its client's", schema: CompanySyncSettingsSchema },
    errors: [404],
  }),
  setCompany: defineOperation({
    operationId: 'set-company-syncSettings', summary: "Set a company's sync settings", tags, method: 'post', path: '/companies/{companyId}/syncSettings',
    params: z.object({ companyId }),
    body: CompanySyncSettingsSchema,
    success: { status: 204, description: 'Saved' },
    errors: [400, 404],
  }),
  getClient: defineOperation({
    operationId: 'get-profile-syncSettings', summary: 'Get client sync settings', tags, method: 'get', path: '/profile/syncSettings',
    success: { status: 200, description: "The client's settings", schema: ClientSyncSettingsSchema },
  }),
  setClient: defineOperation({
    operationId: 'update-profile-syncSettings', summary: 'Update client sync settings', tags, method: 'post', path: '/profile/syncSettings',
    body: ClientSyncSettingsSchema,
    success: { status: 204, description: 'Saved' },
    errors: [400],
  }),
};

export function syncSettingsRoutes(syncSettings: SyncSettingsService): Router {
  const router = Router();
  const ops = syncSettingsOperations;
  bindOperation(router, ops.getCompany, ({ params, clientId }) => syncSettings.getForCompany(clientId, params.companyId));
  bindOperation(router, ops.setCompany, ({ params, body, clientId }) => syncSettings.setForCompany(clientId, params.companyId, body));
  bindOperation(router, ops.getClient, ({ clientId }) => syncSettings.getForClient(clientId));
  bindOperation(router, ops.setClient, ({ body, clientId }) => syncSettings.setForClient(clientId, body));
  return router;
}
