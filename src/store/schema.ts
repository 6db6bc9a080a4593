// Row types of every table, as Kysely sees them. Timestamps are ISO-8601 UTC strings with milliseconds
// (fixed width, so they sort as text) in every dialect; JSON columns hold serialised JSON text.
import type { Generated, Insertable, Selectable } from 'kysely';
import type { DataType, PullStatus } from '../domain/index.js';

export interface ClientsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  client_id: string;
  name: string;
  /** sha256 hex of the key: the key itself is shown once and never stored. */
  key_hash: string;
  created_at: string;
}

export interface CompaniesTable {
  id: string;
  client_id: string;
  name: string;
  description: string | null;
  created_at: string;
}

export type ConnectionStatus = 'PendingAuth' | 'Linked' | 'Unlinked' | 'Deauthorized';

export interface ConnectionsTable {
  id: string;
  client_id: string;
  company_id: string;
  /** The connector that serves this connection, e.g. `sandbox`. */
  platform_key: string;
  status: ConnectionStatus;
  /** JSON object: the source's parameters, interpreted by the connector. */
  parameters: string;
  created_at: string;
  last_sync: string | null;
}

export interface PullOperationsTable {
  id: string;
  client_id: string;
  company_id: string;
  connection_id: string;
  data_type: DataType;
  status: PullStatus;
  status_description: string | null;
  error_message: string | null;
  requested_at: string;
  completed_at: string | null;
  progress: number;
  records_fetched: number;
  pages_committed: number;
  /** Connector cursor after the last committed page: where a resumed pull starts. Null before the first page. */
  checkpoint: string | null;
  updated_at: string;
  /** Of records_fetched: new to the store, changed, and (full pulls, at completion) flagged deleted. */
  records_created: Generated<number>;
  records_updated: Generated<number>;
  records_deleted: Generated<number>;
  /** `full` reads everything and flags what it did not see as deleted; `incremental` reads from modified_since. */
  mode: Generated<PullMode>;
  modified_since: string | null;
  /** The latest source modified date this pull has seen: the next incremental pull starts there. */
  high_water_mark: string | null;
  /** Expected records when the source gives no totals (the previous pull's count); drives progress. */
  records_estimate: number | null;
}

export type PullMode = 'full' | 'incremental';

export interface DataStatusTable {
  company_id: string;
  connection_id: string;
  data_type: DataType;
  latest_sync_id: string;
  latest_successful_sync_id: string | null;
  last_successful_sync: string | null;
}

export interface RecordsTable {
  company_id: string;
  connection_id: string;
  data_type: DataType;
  /** The record's id at the source. */
  source_id: string;
  /** JSON object: the record as the connector produced it. */
  data: string;
  source_modified_date: string | null;
  /** The pull operation that last saw this record: a full pull flags records it did not see as deleted. */
  pull_operation_id: string;
  created_at: string;
  /** When the record's data last changed here (Codat's `modifiedDate`); a page that repeats it leaves it alone. */
  updated_at: string;
  /** 1 when a full pull no longer found the record at the source (`metadata.isDeleted`). */
  is_deleted: Generated<number>;
  deleted_at: string | null;
  /** Hash of `data`, to tell changed records from repeated ones without reading them back. */
  data_hash: string | null;
}

/** A client's or a company's sync settings: a JSON array of Codat `SyncSetting`s. */
export interface ClientSyncSettingsTable {
  client_id: string;
  settings: string;
  updated_at: string;
}

/** One of a company's Temporal Schedules (see migration 0007). */
export interface CompanySchedulesTable {
  company_id: string;
  schedule_id: string;
  created_at: string;
}

export interface CompanySyncSettingsTable {
  company_id: string;
  settings: string;
  updated_at: string;
}

export interface RefreshJobsTable {
  id: string;
  client_id: string;
  connection_id: string;
  workspace_id: string | null;
  created_by: string;
  /** JSON objects, as the request gave them. */
  source_parameters: string;
  destination_parameters: string;
  created_at: string;
}

export interface RefreshJobPullsTable {
  job_id: string;
  pull_operation_id: string;
}

export type RefreshJobRow = Selectable<RefreshJobsTable>;

/** A fixed-window request counter: `client:{id}` for the API. */
export interface RequestWindowsTable {
  bucket: string;
  window_start: string;
  requests: number;
}

/** The earliest time (epoch ms) the next request of a bucket (`connection:{id}`) may go out. */
export interface RequestPacingTable {
  bucket: string;
  next_at_ms: number | string;
}

/** A lease on one of a connection's concurrent-pull slots. */
export interface PullSlotsTable {
  connection_id: string;
  slot: number;
  pull_operation_id: string;
  expires_at: string;
}

export interface Database {
  clients: ClientsTable;
  api_keys: ApiKeysTable;
  companies: CompaniesTable;
  connections: ConnectionsTable;
  pull_operations: PullOperationsTable;
  data_status: DataStatusTable;
  records: RecordsTable;
  client_sync_settings: ClientSyncSettingsTable;
  company_sync_settings: CompanySyncSettingsTable;
  company_schedules: CompanySchedulesTable;
  refresh_jobs: RefreshJobsTable;
  refresh_job_pulls: RefreshJobPullsTable;
  request_windows: RequestWindowsTable;
  pull_slots: PullSlotsTable;
  request_pacing: RequestPacingTable;
  webhook_consumers: WebhookConsumersTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}

export type ClientRow = Selectable<ClientsTable>;
export type CompanyRow = Selectable<CompaniesTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
export type PullOperationRow = Selectable<PullOperationsTable>;
export type DataStatusRow = Selectable<DataStatusTable>;
export type NewRecord = Insertable<RecordsTable>;
export type RecordRow = Selectable<RecordsTable>;

/** Where a client wants its events sent, and which. */
export interface WebhookConsumersTable {
  id: string;
  client_id: string;
  url: string;
  /** JSON array of event types. */
  event_types: string;
  /** The signing secret, `whsec_` + base64 key. */
  secret: string;
  /** 1 once disabled (e.g. the receiver answered 410 Gone): no deliveries are made to it. */
  disabled: Generated<number>;
  disabled_reason: string | null;
  created_at: string;
}

export interface WebhookEventsTable {
  id: string;
  client_id: string;
  type: string;
  /** The event as delivered (JSON). */
  payload: string;
  created_at: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event to one consumer. */
export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  consumer_id: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  /** While pending after a failed attempt: when Temporal will try again. */
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: string;
  /** The receiver's answer; null when there was none (refused, timed out). */
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export type WebhookConsumerRow = Selectable<WebhookConsumersTable>;
export type WebhookEventRow = Selectable<WebhookEventsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookDeliveryAttemptRow = Selectable<WebhookDeliveryAttemptsTable>;
