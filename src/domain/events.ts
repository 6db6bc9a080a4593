// The events Sluice sends to a client's webhook consumers, and what a workflow asks to publish. Pure: no I/O,
// safe in workflow code.
import type { DataType } from './data-types.js';
import type { PullStatus } from './pull-status.js';
import type { RefreshCompanyResult } from './refresh.js';

export const WEBHOOK_EVENT_TYPES = ['read.completed', 'company.refresh.completed', 'connection.refresh.completed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** What a pull did to the stored records. */
export interface ReadCounts {
  /** Records read from the source. */
  fetched: number;
  /** Of those, new to Sluice. */
  created: number;
  /** Of those, records whose data changed. */
  updated: number;
  /** Records flagged deleted because a full pull no longer found them. */
  deleted: number;
}

/** How one pull (one data type of one connection) ended: the data of `read.completed`. */
export interface ReadCompletedData {
  companyId: string;
  connectionId: string;
  dataType: DataType;
  /** The pull operation's id (Codat's dataset id): `GET /companies/{companyId}/data/history/{datasetId}`. */
  datasetId: string;
  status: PullStatus;
  /** True when the pull created, changed or deleted at least one record. */
  recordsModified: boolean;
  counts: ReadCounts;
  errorMessage?: string;
}

/** One data type within a company or connection refresh; `datasetId` is null if its pull never started. */
export type RefreshOutcomeData = Omit<ReadCompletedData, 'companyId' | 'datasetId'> & { datasetId: string | null };

/** How a company refresh or a connection refresh ended: the data of `company.refresh.completed` and `connection.refresh.completed`. */
export interface RefreshCompletedData {
  companyId: string;
  connectionId?: string;
  /** The connection refresh job, at `GET /api/v1/jobs/{jobId}`. */
  jobId?: string;
  /** Complete when every data type is; otherwise how many were not, by status. */
  summary: string;
  /** True when any data type's pull created, changed or deleted a record. */
  recordsModified: boolean;
  /** Every planned data type, in sync order. */
  outcomes: RefreshOutcomeData[];
}

export interface WebhookEventDataOf {
  'read.completed': ReadCompletedData;
  'company.refresh.completed': RefreshCompletedData;
  'connection.refresh.completed': RefreshCompletedData;
}

/** The body of every webhook delivery (the Standard Webhooks payload structure). */
export interface WebhookEvent<T extends WebhookEventType = WebhookEventType> {
  /** Also the `webhook-id` header: the same for every attempt and every retry, so receivers can deduplicate. */
  id: string;
  type: T;
  /** When the event happened (ISO-8601 UTC). */
  timestamp: string;
  clientId: string;
  data: WebhookEventDataOf[T];
}

/**
 * What a workflow asks to publish. It names what ended and the publishing activity reads the rest (counts,
 * statuses, messages) from the store, so only ids enter workflow history.
 */
export type PublishRequest =
  | { type: 'read.completed'; clientId: string; datasetId: string }
  | { type: 'company.refresh.completed' | 'connection.refresh.completed'; clientId: string; result: RefreshCompanyResult };

/** A publish request with the event id the workflow chose (`uuid4()`, replayed identically): a retried publish adds nothing. */
export type PublishEventInput = PublishRequest & { eventId: string };

/** How a delivery is retried: Temporal's retry policy for the delivery activity, in milliseconds. */
export interface WebhookRetryOptions {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** Attempts in all, the first included. */
  maximumAttempts: number;
  /** How long one POST may take before it counts as failed. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryOptions = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 10 * 60_000,
  maximumAttempts: 8,
  timeoutMs: 10_000,
};

export interface PublishEventResult {
  eventId: string;
  /** One per enabled consumer of the client subscribed to the event's type. */
  deliveryIds: string[];
  /** How the worker is configured to retry deliveries. */
  retry: WebhookRetryOptions;
}

export interface DeliverWebhookInput {
  deliveryId: string;
  /** Unset fields take DEFAULT_WEBHOOK_RETRY's values. */
  retry?: Partial<WebhookRetryOptions>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliverWebhookResult {
  deliveryId: string;
  status: DeliveryStatus;
  attempts: number;
}

/** The delay Temporal waits before attempt `attempt + 1`, for showing when the next attempt is due. */
export function retryDelayMs(retry: WebhookRetryOptions, attempt: number): number {
  return Math.min(retry.initialIntervalMs * retry.backoffCoefficient ** (attempt - 1), retry.maximumIntervalMs);
}

/** One delivery workflow per delivery: a retry of a failed delivery reuses the id once the last run closed. */
export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery/${deliveryId}`;
}
