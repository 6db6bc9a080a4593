// Codat's response shapes, built from store rows. The shapes themselves are the schemas in contract/models.ts.
import type { z } from 'zod';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { DATA_TYPES, type DataType, isCompleted, isErrored } from '../domain/index.js';
import type { CompanyWithConnections } from '../services/company-service.js';
import type { RefreshJob } from '../services/connection-refresh-service.js';
import type { ConnectionRow, DataStatusWithCurrent, PullOperationRow } from '../store/index.js';
import type { ListedRecord } from '../store/records.js';
import type { CompanySchema, ConnectionSchema, DataRecordSchema, DataStatusSchema, PullOperationSchema, RefreshJobSchema } from './contract/models.js';

export type PullOperation = z.output<typeof PullOperationSchema>;
export type DataStatus = z.output<typeof DataStatusSchema>;
export type Connection = z.output<typeof ConnectionSchema>;
export type Company = z.output<typeof CompanySchema>;
export type DataRecord = z.output<typeof DataRecordSchema>;

export function toPullOperation(row: PullOperationRow): PullOperation {
  return {
    id: row.id,
    companyId: row.company_id,
    connectionId: row.connection_id,
    dataType: row.data_type,
    status: row.status,
    ...(row.status_description !== null && { statusDescription: row.status_description }),
    ...(row.error_message !== null && { errorMessage: row.error_message }),
    requested: row.requested_at,
    ...(row.completed_at !== null && { completed: row.completed_at }),
    progress: row.progress,
    isCompleted: isCompleted(row.status),
    isErrored: isErrored(row.status),
    mode: row.mode,
    ...(row.modified_since !== null && { modifiedSince: row.modified_since }),
    recordsFetched: Number(row.records_fetched),
    recordsCreated: Number(row.records_created),
    recordsUpdated: Number(row.records_updated),
    recordsDeleted: Number(row.records_deleted),
  };
}

/**
 * Codat's `DataStatuses`: one entry per data type, across the company's connections. The latest pull gives
 * `currentStatus` and `latestSyncId`; the latest successful one the rest. A type never pulled has only `dataType`.
 */
export function toDataStatuses(rows: readonly DataStatusWithCurrent[]): Record<DataType, DataStatus> {
  const result = Object.fromEntries(DATA_TYPES.map((dataType) => [dataType, { dataType }])) as Record<DataType, DataStatus>;
  const latestRequested = new Map<DataType, string>();
  for (const row of rows) {
    const status = result[row.data_type];
    if (row.latest_requested_at > (latestRequested.get(row.data_type) ?? '')) {
      latestRequested.set(row.data_type, row.latest_requested_at);
      status.currentStatus = row.current_status;
      status.latestSyncId = row.latest_sync_id;
    }
    if (row.last_successful_sync && row.latest_successful_sync_id && row.last_successful_sync > (status.lastSuccessfulSync ?? '')) {
      status.lastSuccessfulSync = row.last_successful_sync;
      status.latestSuccessfulSyncId = row.latest_successful_sync_id;
    }
  }
  return result;
}

export function toConnection(row: ConnectionRow, connectors: ConnectorRegistry): Connection {
  const connector = connectors.get(row.platform_key);
  return {
    id: row.id,
    integrationKey: row.platform_key,
    platformName: connector?.platformName ?? row.platform_key,
    sourceType: connector?.sourceType ?? 'Unknown',
    status: row.status,
    lastSync: row.last_sync,
    created: row.created_at,
    dataConnectionErrors: [],
  };
}

export function toCompany({ company, connections }: CompanyWithConnections, connectors: ConnectorRegistry): Company {
  const syncs = connections.map((c) => c.last_sync).filter((t): t is string => t !== null);
  return {
    id: company.id,
    name: company.name,
    description: company.description,
    lastSync: syncs.length ? syncs.sort().at(-1)! : null,
    created: company.created_at,
    dataConnections: connections.map((c) => toConnection(c, connectors)),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A stored record: its data as the source gave it, with Sluice's id, dates and metadata.isDeleted laid over it. */
export function toRecord(row: ListedRecord): DataRecord {
  const data: unknown = JSON.parse(row.data);
  const fields = isObject(data) ? data : {};
  return {
    ...fields,
    id: row.source_id,
    modifiedDate: row.updated_at,
    sourceModifiedDate: row.source_modified_date,
    metadata: { ...(isObject(fields.metadata) ? fields.metadata : {}), isDeleted: row.is_deleted === 1 },
  };
}

const SECRET_KEY = /secret|password|passwd|token|api[-_]?key|credential|private/i;

/** A copy with the values of secret-looking keys masked, for echoing parameters back. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '***' : redactSecrets(inner)]));
}

export function toRefreshJob({ job, pulls, sourceStatus, destinationStatus, error, updated }: RefreshJob): z.output<typeof RefreshJobSchema> {
  return {
    jobId: job.id,
    connectionId: job.connection_id,
    workspaceId: job.workspace_id,
    sourceWorkspaceId: job.workspace_id,
    destinationWorkspaceId: job.workspace_id,
    created: job.created_at,
    updated,
    createdBy: job.created_by,
    sourceStatus,
    destinationStatus,
    error,
    sourceParameters: redactSecrets(JSON.parse(job.source_parameters)) as Record<string, unknown>,
    destinationParameters: redactSecrets(JSON.parse(job.destination_parameters)) as Record<string, unknown>,
    sourceMetadata: { pullOperations: pulls.map((p) => ({ dataType: p.data_type, pullOperationId: p.id, status: p.status, progress: p.progress })) },
    destinationMetadata: { recordsWritten: pulls.reduce((sum, p) => sum + Number(p.records_fetched), 0) },
  };
}
