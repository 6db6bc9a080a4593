import type { RequestHandler, Response } from 'express';
import { authenticate } from '../services/api-keys.js';
import type { Store } from '../store/index.js';
import { ApiError } from './errors.js';

/** Reads the API key from `Authorization: Basic base64(apiKey)`, as Codat's clients send it. */
export function apiKeyFromHeader(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  // Some HTTP clients can only send user:password; accept the key as either half.
  const key = decoded.includes(':') ? decoded.split(':').find((part) => part.length > 0) : decoded;
  return key || undefined;
}

export function requireApiKey(store: Store): RequestHandler {
  return async (req, res, next) => {
    const apiKey = apiKeyFromHeader(req.get('Authorization'));
    const client = apiKey ? await authenticate(store, apiKey) : undefined;
    if (!client) {
      res.set('WWW-Authenticate', 'Basic realm="sluice"');
      throw new ApiError(401, 'Unauthorized: send Authorization: Basic <base64 of your API key>');
    }
    res.locals.clientId = client.id;
    next();
  };
}

/** The authenticated client (tenant) of this request. */
export function clientIdOf(res: Response): string {
  const clientId = res.locals.clientId;
  if (typeof clientId !== 'string') throw new Error('clientIdOf called on a route without requireApiKey');
  return clientId;
}
