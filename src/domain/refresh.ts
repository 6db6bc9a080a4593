// The contract between whoever starts a refresh (API, schedules), the workflows and the activities.
// Only ids, cursors and counts cross it: records never enter workflow history.
import type { DataType } from './data-types.js';
import type { PullStatus, UnsuccessfulEndStatus } from './pull-status.js';

export interface PullOptions {
  /** Attempts per pull activity before a transient upstream error ends the pull. */
  maxAttempts: number;
  /** How long one pull activity pages before handing its checkpoint back to the workflow. */
  batchSeconds: number;
  /**
   * A pull activity silent for this long is presumed dead (its worker crashed) and retried elsewhere.
   * Optional only for runs started before it existed (30 s).
   */
  heartbeatTimeoutSeconds?: number;
}

export interface RefreshDataTypeInput {
  clientId: string;
  companyId: string;
  connectionId: string;
  dataType: DataType;
  /** When the refresh was asked for (ISO-8601): the pull operation's `requested`. */
  requestedAt: string;
  options: PullOptions;
  /** Read everything and flag records no longer at the source as deleted, instead of reading what changed. */
  fullPull?: boolean;
  /** Set when the workflow continues as new: the pull operation exists and is already fetching. */
  resumed?: boolean;
}

/** Identifies the pull that activities act on. The id is the workflow's first run id. */
export interface PullIdentity {
  pullOperationId: string;
  clientId: string;
  companyId: string;
  connectionId: string;
  dataType: DataType;
  requestedAt: string;
  fullPull: boolean;
}

export interface PullBatchResult {
  /** True once the source has no more pages. */
  done: boolean;
  recordsFetched: number;
  pagesCommitted: number;
}

export interface RefreshDataTypeResult {
  pullOperationId: string;
  status: PullStatus;
  recordsFetched: number;
  errorMessage?: string;
}

export interface PullFailure {
  pullOperationId: string;
  status: UnsuccessfulEndStatus;
  errorMessage: string;
}

/** Who started a company or connection refresh. */
export type RefreshTrigger = 'api' | 'schedule';

/**
 * A refresh of several data types: every linked connection of a company (`refreshCompany`, behind `data/all`,
 * company scopes and schedules), or one connection (`refreshConnection`, behind the connection refresh API).
 */
export interface RefreshCompanyInput {
  clientId: string;
  companyId: string;
  /** Only this connection; unset: every linked connection of the company. */
  connectionId?: string;
  /** Only these data types; unset: the types whose sync setting has fetchOnFirstLink (all offered, for a connection). */
  dataTypes?: DataType[];
  /** The connection refresh job this run serves: its pull operations are linked to it as they start. */
  jobId?: string;
  trigger: RefreshTrigger;
  options: PullOptions;
  /** Pulls running at once; defaults 4 per company and 2 per connection. */
  concurrency?: { perCompany?: number; perConnection?: number };
}

/** How one data type of one connection ended within a company or connection refresh. */
export interface DataTypeOutcome {
  connectionId: string;
  dataType: DataType;
  /** Null only if the pull could not even be started. */
  pullOperationId: string | null;
  status: PullStatus;
  recordsFetched: number;
  errorMessage?: string;
}

export interface RefreshCompanyResult {
  companyId: string;
  connectionId?: string;
  jobId?: string;
  /** Every planned data type, in sync order. */
  outcomes: DataTypeOutcome[];
  /** Complete when every outcome is; otherwise the number that were not, by status. */
  summary: string;
}
