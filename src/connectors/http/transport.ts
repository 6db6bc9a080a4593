import { type Exchange, type Failure, toUpstreamError } from './errors.js';

export interface RequestOptions {
  dataType: string;
  timeoutMs: number;
  /** The pull's signal: cancelling the pull aborts the request. */
  signal?: AbortSignal | undefined;
}

/** A complete answer, body read. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** This answer as a `status` failure, for toUpstreamError. */
  failure(): Failure;
}

/**
 * One request with global fetch, answer and body within `timeoutMs`. Network failures and timeouts are thrown as
 * UpstreamErrors; a cancelled pull rethrows the cancellation as is. Redirects are not followed: following them
 * would send the credentials wherever the source points.
 */
export async function send(exchange: Exchange, options: RequestOptions, init: { headers: Record<string, string>; body?: string }): Promise<Answer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await fetch(exchange.url, { method: exchange.method, headers: init.headers, body: init.body ?? null, signal, redirect: 'manual' });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      failure: () => ({
        type: 'status',
        status: response.status,
        statusText: response.statusText,
        retryAfter: response.headers.get('retry-after'),
        location: response.headers.get('location'),
        body: text.slice(0, 2_000),
      }),
    };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    if (timeout.aborted) throw toUpstreamError(exchange, { type: 'timeout', timeoutMs: options.timeoutMs });
    throw toUpstreamError(exchange, { type: 'network', cause: error });
  }
}

/** The answer's body as JSON; malformed when it is not. */
export function readJson(exchange: Exchange, answer: Answer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch (cause) {
    throw toUpstreamError(exchange, { type: 'invalidJson', status: answer.status, cause });
  }
}
