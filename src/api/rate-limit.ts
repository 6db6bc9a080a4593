import type { RequestHandler } from 'express';
import type { Store } from '../store/index.js';
import { clientIdOf } from './auth.js';
import { ApiError } from './errors.js';

const WINDOW_MS = 60_000;

/**
 * Per-client rate limiting in fixed one-minute windows, counted in the store so that every API process shares
 * the count. Every answer carries X-Rate-Limit-Limit, -Remaining and -Reset, as Codat's do; over the limit the
 * answer is a 429 with Retry-After.
 */
export function rateLimit(store: Store, limitPerMinute: number): RequestHandler {
  return async (_req, res, next) => {
    if (limitPerMinute <= 0) return next();
    const now = Date.now();
    const windowStart = now - (now % WINDOW_MS);
    const resetAt = windowStart + WINDOW_MS;
    const requests = await store.rateLimits.hit(`client:${clientIdOf(res)}`, new Date(windowStart).toISOString());
    res.set({
      'X-Rate-Limit-Limit': String(limitPerMinute),
      'X-Rate-Limit-Remaining': String(Math.max(0, limitPerMinute - requests)),
      'X-Rate-Limit-Reset': new Date(resetAt).toISOString(),
    });
    if (requests > limitPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1_000));
      res.set('Retry-After', String(retryAfter));
      throw new ApiError(429, `Rate limit exceeded: ${limitPerMinute} requests per minute. Retry after ${retryAfter} s.`);
    }
    next();
  };
}
