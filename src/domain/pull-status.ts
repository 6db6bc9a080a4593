// Codat's "Dataset status" enum: the 21 values of the current spec, in spec order.
export const PULL_STATUSES = [
  'Initial',
  'Queued',
  'Fetching',
  'MapQueued',
  'Mapping',
  'Complete',
  'FetchError',
  'MapError',
  'InternalError',
  'ProcessingQueued',
  'Processing',
  'ProcessingError',
  'ValidationQueued',
  'Validating',
  'ValidationError',
  'AuthError',
  'Cancelled',
  'NotSupported',
  'RateLimitError',
  'PermissionsError',
  'PrerequisiteNotMet',
] as const;

export type PullStatus = (typeof PULL_STATUSES)[number];

/** Statuses a pull can still leave: it is queued or running. */
export const IN_PROGRESS_STATUSES = [
  'Initial',
  'Queued',
  'Fetching',
  'MapQueued',
  'Mapping',
  'ProcessingQueued',
  'Processing',
  'ValidationQueued',
  'Validating',
] as const satisfies readonly PullStatus[];

/** The failure statuses a pull can end in (Codat's `isErrored`). */
export const ERROR_STATUSES = [
  'FetchError',
  'MapError',
  'InternalError',
  'ProcessingError',
  'ValidationError',
  'AuthError',
  'RateLimitError',
  'PermissionsError',
  'PrerequisiteNotMet',
] as const satisfies readonly PullStatus[];

export type ErrorStatus = (typeof ERROR_STATUSES)[number];

const inProgress: ReadonlySet<PullStatus> = new Set(IN_PROGRESS_STATUSES);
const errored: ReadonlySet<PullStatus> = new Set(ERROR_STATUSES);

export function isInProgress(status: PullStatus): boolean {
  return inProgress.has(status);
}

/** Codat: true only when the pull completed successfully. */
export function isCompleted(status: PullStatus): boolean {
  return status === 'Complete';
}

/** Codat: true if the pull entered an error state. `Cancelled` and `NotSupported` are ends, not errors. */
export function isErrored(status: PullStatus): boolean {
  return errored.has(status);
}

export function isErrorStatus(value: string): value is ErrorStatus {
  return errored.has(value as PullStatus);
}

/** Statuses a pull can end in other than `Complete`. */
export type UnsuccessfulEndStatus = ErrorStatus | 'Cancelled' | 'NotSupported';

export function isUnsuccessfulEndStatus(value: string): value is UnsuccessfulEndStatus {
  return value === 'Cancelled' || value === 'NotSupported' || isErrorStatus(value);
}
