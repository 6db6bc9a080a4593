import { Router } from 'express';
import { z } from 'zod';
import type { ScopeRefreshService } from '../../services/scope-refresh-service.js';
import { RefreshRequestSchema, RefreshResponseSchema } from '../contract/models.js';
import { bindOperation, defineOperation } from '../contract/operation.js';
import { toPullOperation } from '../wire.js';

export const scopeRefreshOperations = {
  trigger: defineOperation({
    operationId: 'trigger_refresh', summary: 'Trigger a background refresh', tags: ['Refresh'], method: 'post', path: '/refresh/{scope}',
    params: z.object({
      scope: z.string().meta({ description: 'company:{companyId}, company:{companyId}:{dataType} or connection:{connectionId}', example: 'company:8a210b68-6988-11ed-a1eb-0242ac120002' }),
    }),
    body: RefreshRequestSchema,
    success: { status: 202, description: 'Refresh enqueued', schema: RefreshResponseSchema },
    errors: [400, 404],
  }),
};

export function scopeRefreshRoutes(scopes: ScopeRefreshService): Router {
  const router = Router();
  bindOperation(router, scopeRefreshOperations.trigger, async ({ params, body, clientId }) => {
    const { scope, pulls, jobId } = await scopes.refresh(clientId, params.scope, body);
    return { scope, status: 'Enqueued' as const, ...(jobId && { jobId }), pullOperations: pulls.map(toPullOperation) };
  });
  return router;
}
