import { ApplicationFailure, ApplicationFailureCategory, CancelledFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { UpstreamError } from '../src/connectors/errors.js';
import type { UnsuccessfulEndStatus } from '../src/domain/index.js';

/**
 * The one place where failures become retry decisions and pull statuses. Whatever an activity throws leaves it
 * as an ApplicationFailure whose `type` is the pull status the pull should end with, and whose retry settings
 * say whether Temporal should try again. Workflows read the status back from the failure's type.
 */
export function toApplicationFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure || error instanceof CancelledFailure) return error;
  if (error instanceof UpstreamError) {
    const failure = (status: UnsuccessfulEndStatus, nonRetryable: boolean, extra: Partial<Parameters<typeof ApplicationFailure.create>[0]> = {}) =>
      ApplicationFailure.create({ type: status, message: error.message, nonRetryable, cause: error, ...extra });
    switch (error.kind) {
      case 'auth':
        return failure('AuthError', true);
      case 'permission':
        return failure('PermissionsError', true);
      case 'notSupported':
        return failure('NotSupported', true);
      case 'rateLimited':
        // Honour the source's Retry-After; a benign failure is logged quietly and kept out of failure metrics.
        return failure('RateLimitError', false, {
          nextRetryDelay: error.options.retryAfterMs,
          category: ApplicationFailureCategory.BENIGN,
        });
      case 'unavailable':
        return failure('FetchError', false);
      case 'malformed':
        return failure('FetchError', true);
    }
  }
  // Anything else is our own fault or a local outage (database): retry, and call it InternalError if it lasts.
  const cause = error instanceof Error ? error : new Error(String(error));
  return ApplicationFailure.create({ type: 'InternalError', message: cause.message, cause });
}

export class UpstreamErrorInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (error) {
      throw toApplicationFailure(error);
    }
  }
}
