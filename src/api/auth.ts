import { parseCookie } from 'cookie';
import type { RequestHandler, Response } from 'express';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { ServiceTokenConfig } from '../config/index.js';
import { authenticate } from '../services/api-keys.js';
import type { Store } from '../store/index.js';
import { ApiError } from './errors.js';

/** The cookie a browser session carries its API key in (the scope refresh API's `sessionCookie`). */
export const SESSION_COOKIE = 'sluice_session';

/** Reads the API key from `Authorization: Basic base64(apiKey)`, as Codat's clients send it. */
export function apiKeyFromHeader(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  // Some HTTP clients can only send user:password; accept the key as either half.
  const key = decoded.includes(':') ? decoded.split(':').find((part) => part.length > 0) : decoded;
  return key || undefined;
}

/** Verifies Bearer service tokens: signature, expiry, audience (and issuer when configured). Returns the client id. */
function serviceTokenVerifier(config: ServiceTokenConfig | undefined): ((token: string) => Promise<string | undefined>) | undefined {
  if (!config) return undefined;
  const key: Uint8Array | JWTVerifyGetKey = config.secret ? new TextEncoder().encode(config.secret) : createRemoteJWKSet(new URL(config.jwksUrl!));
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        audience: config.audience,
        ...(config.issuer && { issuer: config.issuer }),
        requiredClaims: ['exp', 'sub'],
      });
      return payload.sub;
    } catch {
      return undefined;
    }
  };
}

/**
 * Establishes the client (tenant) of a request from, in this order: `Authorization: Basic` with an API key,
 * `Authorization: Bearer` with a service token (when configured), or the session cookie with an API key.
 */
export function requireClient(store: Store, serviceToken: ServiceTokenConfig | undefined): RequestHandler {
  const verifyServiceToken = serviceTokenVerifier(serviceToken);
  return async (req, res, next) => {
    const authorization = req.get('Authorization');
    let clientId: string | undefined;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (bearer && verifyServiceToken) {
      const subject = await verifyServiceToken(bearer);
      clientId = subject && (await store.tenants.getClient(subject))?.id;
    } else {
      const apiKey = apiKeyFromHeader(authorization) ?? (authorization ? undefined : parseCookie(req.get('Cookie') ?? '')[SESSION_COOKIE]);
      clientId = apiKey ? (await authenticate(store, apiKey))?.id : undefined;
    }
    if (!clientId) {
      res.set('WWW-Authenticate', 'Basic realm="sluice"');
      throw new ApiError(401, 'Unauthorized: send Authorization: Basic <base64 of your API key>, a Bearer service token, or a session cookie');
    }
    res.locals.clientId = clientId;
    next();
  };
}

/** The authenticated client (tenant) of this request. */
export function clientIdOf(res: Response): string {
  const clientId = res.locals.clientId;
  if (typeof clientId !== 'string') throw new Error('clientIdOf called on a route without requireClient');
  return clientId;
}
