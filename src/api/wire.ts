// Codat's response shapes, built from store rows.
import { DATA_TYPES, type DataType, isCompleted, isErrored, type PullStatus } from '../domain/index.js';
import type { DataStatusWithCurrent, PullOperationRow } from '../store/index.js';

export interface PullOperation {
  id: string;
  companyId: string;
  connectionId: string;
  dataType: string;
  status: PullStatus;
  statusDescription?: string;
  errorMessage?: string;
  requested: string;
  completed?: string;
  progress: number;
  isCompleted: boolean;
  isErrored: boolean;
}

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
  };
}

export interface DataStatus {
  dataType: DataType;
  currentStatus?: PullStatus;
  lastSuccessfulSync?: string;
  latestSyncId?: string;
  latestSuccessfulSyncId?: string;
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
