import { STATUS_CODES } from 'node:http';
import { UpstreamError } from '../errors.js';

// The one place where what happened on the wire becomes an UpstreamError: its kind (which decides retries and
// the pull's status) and a message a user can act on, naming the data type and the request, never a secret.

/** One request, as messages describe it. */
export interface Exchange {
  dataType: string;
  method: string;
  url: URL;
  /** `token`: the OAuth token request made before reading records. */
  purpose: 'records' | 'token';
  /** Values that must never appear in a message (credentials, access tokens). */
  secrets: readonly string[];
}

export type Failure =
  /** A complete answer whose status is not 2xx. */
  | { type: 'status'; status: number; statusText: string; retryAfter: string | null; location: string | null; body: string }
  /** The source could not be reached, or the connection broke. */
  | { type: 'network'; cause: unknown }
  /** No complete answer within `timeoutMs`. */
  | { type: 'timeout'; timeoutMs: number }
  /** A 2xx answer whose body is not JSON. */
  | { type: 'invalidJson'; status: number; cause: unknown }
  /** A 2xx JSON answer that does not have the configured shape (records, ids, next page). */
  | { type: 'shape'; status: number; problem: string }
  /** A cursor this connector cannot resume from. */
  | { type: 'badCursor'; problem: string };

/** Thrown by the body readers (records, pagination) with what is wrong; index.ts turns it into a `shape` failure. */
export class ShapeProblem extends Error {
  override name = 'ShapeProblem';
}

export function toUpstreamError(exchange: Exchange, failure: Failure): UpstreamError {
  const { dataType, purpose } = exchange;
  const request = `${exchange.method} ${describeUrl(exchange.url)}`;
  const doing = purpose === 'token' ? `Pulling ${dataType}: the access token request ${request}` : `Pulling ${dataType}: ${request}`;
  const error = (kind: UpstreamError['kind'], message: string, options: { retryAfterMs?: number } = {}) =>
    new UpstreamError(kind, scrub(message, exchange.secrets), { ...options, cause: failure.type === 'network' || failure.type === 'invalidJson' ? failure.cause : undefined });

  switch (failure.type) {
    case 'status': {
      const { status } = failure;
      const statusText = failure.statusText || STATUS_CODES[status] || '';
      const detail = errorDetail(failure.body, statusText);
      const answered = `${doing} answered ${status} ${statusText}`.trimEnd() + (detail ? ` (${detail})` : '');
      if (purpose === 'token' && (status === 400 || status === 401)) {
        return error('auth', `${answered}: the token endpoint refused the connection's client credentials; check the client id, secret and scope, or re-link the connection`);
      }
      if (status === 401) return error('auth', `${answered}: the source rejected the connection's credentials; re-link the connection`);
      if (status === 403) return error('permission', `${answered}: the connection's credentials may not read ${dataType}; grant access at the source, or re-link with an account that has it`);
      if (status === 429) {
        const retryAfterMs = parseRetryAfter(failure.retryAfter);
        const wait = retryAfterMs === undefined ? 'Sluice waits before trying again' : `it asked to wait ${Math.ceil(retryAfterMs / 1000)} s before trying again`;
        return error('rateLimited', `${answered}: the source is rate limiting this connection; ${wait}`, retryAfterMs === undefined ? {} : { retryAfterMs });
      }
      if (status === 408 || status >= 500) return error('unavailable', `${answered}: the source is failing or down, usually for a while only; Sluice retries with backoff before giving up`);
      if (status >= 300 && status < 400) {
        const to = failure.location ? ` to ${describeUrl(safeUrl(failure.location, exchange.url))}` : '';
        return error('malformed', `${answered}${to}: Sluice does not follow redirects with the connection's credentials; update the connection's baseUrl or path`);
      }
      if (status === 404) return error('malformed', `${answered}: the source has no such resource; check the connection's baseUrl and the path for ${dataType}`);
      return error('malformed', `${answered}: the source refused the request; check the connection's parameters for ${dataType}`);
    }
    case 'network':
      return error('unavailable', `${doing} failed: the source could not be reached (${networkReason(failure.cause)}); check the connection's baseUrl if this lasts`);
    case 'timeout':
      return error('unavailable', `${doing} did not answer within ${formatMs(failure.timeoutMs)}: the source is slow or down; if it is just slow, raise the connection's timeoutMs`);
    case 'invalidJson':
      return error('malformed', `${doing} answered ${failure.status} with a body that is not valid JSON (${failure.cause instanceof Error ? failure.cause.message : String(failure.cause)})`);
    case 'shape':
      return error('malformed', `${doing} answered ${failure.status}, but ${failure.problem}`);
    case 'badCursor':
      return error('malformed', `Pulling ${dataType}: cannot resume from the saved position (${failure.problem}); the connection's pagination may have changed: start a new pull`);
  }
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

const SECRET_QUERY_KEY = /secret|passw|api[-_]?key|^key$|token|auth|credential|signature|^sig$|^code$/i;

/** A URL fit for a message: no user info, secret-looking query values masked. */
export function describeUrl(url: URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  for (const key of new Set(shown.searchParams.keys())) {
    if (SECRET_QUERY_KEY.test(key) && !/^(cursor|page_?token|next_?token|continuation_?token)$/i.test(key)) shown.searchParams.set(key, '***');
  }
  return shown.href;
}

/** Masks every occurrence of a secret, plain or URL-encoded. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) result = result.split(form).join('***');
  }
  return result;
}

/** What an error body says, briefly: a JSON error's message, or the start of a text body. */
function errorDetail(body: string, statusText: string): string {
  const text = body.trim();
  if (text === '') return '';
  let said = text;
  try {
    const json = JSON.parse(text) as unknown;
    if (json !== null && typeof json === 'object') {
      const o = json as Record<string, unknown>;
      const parts = [o.error, o.error_description, o.message, o.detail, o.title].filter((v): v is string => typeof v === 'string' && v !== '');
      said = [...new Set(parts)].filter((p) => p.toLowerCase() !== statusText.toLowerCase()).join(': ');
    }
  } catch {
    if (/^\s*</.test(text)) return ''; // an HTML error page says nothing useful in one line
  }
  said = said.replace(/\s+/g, ' ').trim();
  return said.length > 200 ? `${said.slice(0, 200)}…` : said;
}

function networkReason(cause: unknown): string {
  // fetch wraps the socket error: TypeError('fetch failed') with the real one as its cause.
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return typeof code === 'string' && !inner.message.includes(code) ? `${code}: ${inner.message}` : inner.message;
  }
  return String(inner);
}

function safeUrl(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    return base;
  }
}

const formatMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
