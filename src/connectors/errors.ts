/**
 * What went wrong upstream, in the terms that decide what Sluice does next. Connectors throw these; one
 * activity interceptor turns them into Temporal failures (retry or not, and how soon) and pull statuses.
 */
export type UpstreamErrorKind =
  | 'auth' // credentials rejected: the user must re-link
  | 'permission' // authenticated but not allowed to read this
  | 'notSupported' // the source does not offer this data type
  | 'rateLimited' // slow down; `retryAfterMs` says how long when the source told us
  | 'unavailable' // 5xx, network failure, timeout: worth retrying
  | 'malformed'; // the source answered with something we cannot read

export class UpstreamError extends Error {
  override name = 'UpstreamError';

  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}
