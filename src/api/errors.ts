import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { QueryError } from '../query/index.js';
import { ConflictError, InvalidRequestError, NotFoundError } from '../services/errors.js';
import { correlationIdOf } from './correlation.js';

/** One problem with a request, in Codat's `validation.errors` shape. */
export interface ValidationItem {
  itemId: string | null;
  message: string | null;
  validatorName: string | null;
}

/** An error with the HTTP status it should be answered with. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly statusCode: number,
    message: string,
    readonly service = 'PublicApi',
    /** For rejected requests: each problem, for clients that show them field by field. */
    readonly validationErrors?: ValidationItem[],
  ) {
    super(message);
  }
}

/** Codat's `ErrorMessage`: the body of every error response. */
export interface ErrorMessage {
  statusCode: number;
  service: string;
  error: string;
  correlationId: string;
  validation: { errors: ValidationItem[] | null; warnings: ValidationItem[] | null } | null;
  canBeRetried: string;
  detailedErrorCode: number;
}

function statusOf(error: unknown): { statusCode: number; message: string; service: string } {
  if (error instanceof ApiError) return { statusCode: error.statusCode, message: error.message, service: error.service };
  if (error instanceof NotFoundError) return { statusCode: 404, message: error.message, service: 'PublicApi' };
  if (error instanceof InvalidRequestError) return { statusCode: 400, message: error.message, service: 'PublicApi' };
  if (error instanceof ConflictError) return { statusCode: 409, message: error.message, service: 'PublicApi' };
  if (error instanceof QueryError) return { statusCode: 400, message: error.message, service: 'PullApi' };
  // Errors raised by Express itself and its body parser carry a 4xx `status` (malformed JSON, too large).
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, message: (error as Error).message, service: 'PublicApi' };
  }
  return { statusCode: 500, message: 'An internal error occurred. Quote the correlation id when reporting it.', service: 'PublicApi' };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const { statusCode, message, service } = statusOf(error);
    const correlationId = correlationIdOf(res);
    if (statusCode >= 500) logger.error({ err: error, correlationId }, 'request failed');
    const body: ErrorMessage = {
      statusCode,
      service,
      error: message,
      correlationId,
      validation: error instanceof ApiError && error.validationErrors ? { errors: error.validationErrors, warnings: [] } : null,
      canBeRetried: statusCode >= 500 || statusCode === 429 ? 'True' : 'False',
      detailedErrorCode: 0,
    };
    res.status(statusCode).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new ApiError(404, `No route matches ${req.method} ${req.path}`);
};
