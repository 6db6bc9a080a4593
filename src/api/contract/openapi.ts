import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { ErrorMessageSchema } from './models.js';
import type { Operation } from './operation.js';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed, or its query cannot be parsed',
  401: 'No valid API key was sent',
  404: 'The resource does not exist, or belongs to another client',
  409: 'The resource is not ready',
  429: 'Too many requests',
  500: 'An internal error occurred',
};

/** The OpenAPI 3.1 document of every operation, generated from the operations' own schemas. */
export function buildOpenApiDocument(operations: readonly Operation[]) {
  const paths: ZodOpenApiPathsObject = {};
  for (const op of operations) {
    const errors = [...new Set([401, 429, 500, ...(op.errors ?? [])])].sort();
    paths[op.path] = {
      ...paths[op.path],
      [op.method]: {
        operationId: op.operationId,
        summary: op.summary,
        tags: op.tags,
        ...((op.params || op.query) && { requestParams: { ...(op.params && { path: op.params }), ...(op.query && { query: op.query }) } }),
        ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } }),
        responses: {
          [op.success.status]: {
            description: op.success.description,
            ...(op.success.schema && { content: { 'application/json': { schema: op.success.schema } } }),
          },
          ...Object.fromEntries(
            errors.map((status) => [status, { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: { 'application/json': { schema: ErrorMessageSchema } } }]),
          ),
        },
      },
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Sluice',
      version: '0.1.0',
      description: "Keeps third-party business data fresh. Wire-compatible with Codat's refresh-data API.",
    },
    components: { securitySchemes: { auth_header: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Basic base64(API key)' } } },
    security: [{ auth_header: [] }],
    paths,
  });
}
