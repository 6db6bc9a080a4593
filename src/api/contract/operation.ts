import type { Response, Router } from 'express';
import type { z } from 'zod';
import { clientIdOf } from '../auth.js';
import { ApiError } from '../errors.js';

type Method = 'get' | 'post' | 'patch' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * One API operation: its path in OpenAPI form, its request schemas and its success response. The same object
 * validates requests (bindOperation) and documents them (buildOpenApiDocument).
 */
export interface Operation<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  operationId: string;
  summary: string;
  tags: string[];
  method: Method;
  /** e.g. `/companies/{companyId}/data/history` */
  path: string;
  params?: P;
  query?: Q;
  body?: B;
  success: { status: 200 | 202 | 204; description: string; schema?: R };
  /** Other statuses this operation answers with, each with an ErrorMessage body. */
  errors?: number[];
}

export function defineOperation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
  operation: Operation<P, Q, B, R>,
): Operation<P, Q, B, R> {
  return operation;
}

export interface OperationInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  clientId: string;
  res: Response;
}

/** PostgreSQL cannot store U+0000 in text, and no legitimate input holds it: refuse it everywhere alike. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || containsNul(inner));
  return false;
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  if (!schema) return undefined as z.output<T>;
  if (containsNul(value)) throw new ApiError(400, `Invalid request. ${where}: text may not contain NUL (U+0000) characters`);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const items = result.error.issues.map((issue) => ({
    itemId: issue.path.length ? `${where}.${issue.path.join('.')}` : where,
    message: issue.message,
    validatorName: issue.code,
  }));
  throw new ApiError(400, `Invalid request. ${items.map((i) => `${i.itemId}: ${i.message}`).join('; ')}`, 'PublicApi', items);
}

/** Mounts an operation on a router: validates path, query and body, runs the handler, answers with its result. */
export function bindOperation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
  router: Router,
  operation: Operation<P, Q, B, R>,
  handler: (input: OperationInput<P, Q, B>) => Promise<z.input<R> | void>,
): void {
  const expressPath = operation.path.replace(/\{(\w+)\}/g, ':$1');
  router[operation.method](expressPath, async (req, res) => {
    const input: OperationInput<P, Q, B> = {
      params: parse(operation.params, req.params, 'path'),
      query: parse(operation.query, req.query, 'query'),
      body: parse(operation.body, req.body ?? {}, 'body'),
      clientId: clientIdOf(res),
      res,
    };
    const result = await handler(input);
    if (operation.success.status === 204) res.status(204).end();
    else res.status(operation.success.status).json(result);
  });
}
