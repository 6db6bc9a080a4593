import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

export const CORRELATION_HEADER = 'X-Correlation-Id';
const ACCEPTABLE = /^[A-Za-z0-9._-]{1,128}$/;

/** Gives every request a correlation id (the caller's, if it sent a sane one), echoed as a response header. */
export const correlation: RequestHandler = (req, res, next) => {
  const offered = req.get(CORRELATION_HEADER);
  const correlationId = offered && ACCEPTABLE.test(offered) ? offered : randomUUID();
  res.locals.correlationId = correlationId;
  res.set(CORRELATION_HEADER, correlationId);
  next();
};

export function correlationIdOf(res: Response): string {
  return String(res.locals.correlationId ?? '');
}
