// Codat's response shapes, built from store rows. The shapes themselves are the schemas in contract/models.ts.
import type { z } from 'zod';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { DATA_TYPES, type DataType, isCompleted, isErrored } from '../domain/index.js';
import type { CompanyWithConnections } from '../services/company-service.js';
import type { ConnectionRow, DataStatusWithCurrent, PullOperationRow } from '../store/index.js';
import type { CompanySchema, ConnectionSchema, DataStatusSchema, PullOperationSchema } from './contract/models.js';

export type PullOperation = z.output<typeof PullOperationSchema>;
export type DataStatus = z.output<typeof DataStatusSchema>;
export type Connection = z.output<typeof ConnectionSchema>;
export type Company = z.output<typeof CompanySchema>;

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
