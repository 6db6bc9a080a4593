import { createHash } from 'node:crypto';
import { ShapeProblem, toUpstreamError } from './errors.js';
import type { HttpAuth } from './parameters.js';
import { readPath } from './records.js';
import { type RequestOptions, readJson, send } from './transport.js';

// Credentials on each request. OAuth 2 client credentials are a single form POST (RFC 6749 §4.4) whose answer
// we cache; that is small enough to write here rather than take on oauth4webapi, which would add discovery
// metadata, refuse plain-http token endpoints (the loopback sandbox) unless told otherwise, and still leave the
// caching, refresh and retry-after-401 to us.

type OAuth = Extract<HttpAuth, { type: 'oauth2ClientCredentials' }>;

interface CachedToken {
  accessToken: string;
  /** When to stop using it: shortly before the source says it expires. */
  refreshAt: number;
}

// Access tokens of this process, by client (a hash of its settings, secret included, so a changed secret gets a
// new token). Bounded, oldest first out; a token fetch in flight is shared by the pulls that need it.
const tokens = new Map<string, CachedToken>();
const fetching = new Map<string, Promise<CachedToken>>();
const MAX_CACHED_TOKENS = 1_000;

const clientKey = (auth: OAuth) =>
  createHash('sha256')
    .update(JSON.stringify([auth.tokenUrl, auth.clientId, auth.clientSecret, auth.scope ?? null, auth.audience ?? null, auth.clientAuthentication]))
    .digest('base64url');

/** The values that must never show in a message or a log: the credentials, and any access token in use. */
export function secretsOf(auth: HttpAuth): string[] {
  switch (auth.type) {
    case 'none':
      return [];
    case 'bearer':
      return [auth.token];
    case 'basic':
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    case 'apiKey':
      return [auth.apiKey];
    case 'oauth2ClientCredentials': {
      const cached = tokens.get(clientKey(auth));
      return [auth.clientSecret, ...(cached ? [cached.accessToken] : [])];
    }
  }
}

/** The headers that authenticate a request. `fresh` fetches a new access token even if one is cached. */
export async function authHeaders(auth: HttpAuth, options: RequestOptions, fresh = false): Promise<Record<string, string>> {
  switch (auth.type) {
    case 'none':
      return {};
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    case 'apiKey':
      return { [auth.header]: auth.apiKey };
    case 'oauth2ClientCredentials':
      return { authorization: `Bearer ${(await accessToken(auth, options, fresh)).accessToken}` };
  }
}

/** Whether a 401 is worth one more try with a new token: only when the token, not the client, could be stale. */
export const refreshable = (auth: HttpAuth) => auth.type === 'oauth2ClientCredentials';

async function accessToken(auth: OAuth, options: RequestOptions, fresh: boolean): Promise<CachedToken> {
  const key = clientKey(auth);
  const cached = tokens.get(key);
  if (cached && !fresh && cached.refreshAt > Date.now()) return cached;
  if (fresh) tokens.delete(key);
  let pending = fetching.get(key);
  if (!pending) {
    pending = requestToken(auth, options).finally(() => fetching.delete(key));
    fetching.set(key, pending);
  }
  const token = await pending;
  if (tokens.size >= MAX_CACHED_TOKENS && !tokens.has(key)) tokens.delete(tokens.keys().next().value!);
  tokens.set(key, token);
  return token;
}

function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

async function requestToken(auth: OAuth, options: RequestOptions): Promise<CachedToken> {
  const url = new URL(auth.tokenUrl);
  const exchange = { dataType: options.dataType, method: 'POST', url, purpose: 'token' as const, secrets: [auth.clientSecret] };
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope) form.set('scope', auth.scope);
  if (auth.audience) form.set('audience', auth.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (auth.clientAuthentication === 'basic') {
    // RFC 6749 §2.3.1: form-encode the id and secret before joining them.
    headers.authorization = `Basic ${Buffer.from(`${formEncode(auth.clientId)}:${formEncode(auth.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', auth.clientId);
    form.set('client_secret', auth.clientSecret);
  }
  const started = Date.now();
  const answer = await send(exchange, options, { headers, body: form.toString() });
  if (answer.status < 200 || answer.status > 299) throw toUpstreamError(exchange, answer.failure());
  const body = readJson(exchange, answer);
  const accessToken = readPath(body, 'access_token');
  const tokenType = readPath(body, 'token_type');
  const expiresIn = Number(readPath(body, 'expires_in') ?? Number.NaN);
  try {
    if (typeof accessToken !== 'string' || accessToken === '') throw new ShapeProblem('the answer has no access_token');
    if (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer') throw new ShapeProblem(`the token type is ${tokenType}, not Bearer`);
  } catch (error) {
    if (error instanceof ShapeProblem) throw toUpstreamError(exchange, { type: 'shape', status: answer.status, problem: error.message });
    throw error;
  }
  // Without expires_in, keep it until the source rejects it (a 401 then fetches a new one).
  const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : Number.POSITIVE_INFINITY;
  return { accessToken, refreshAt: started + lifetimeMs - Math.min(30_000, lifetimeMs / 10) };
}
