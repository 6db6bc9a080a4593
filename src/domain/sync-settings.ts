import { DATA_TYPES, type DataType } from './data-types.js';

/** Codat's `SyncSetting`: how often, and how much history, to fetch for one data type. */
export interface SyncSetting {
  dataType: DataType;
  fetchOnFirstLink: boolean;
  /** Hours between scheduled refreshes. */
  syncSchedule: number;
  /** Position in the order data types are queued in. */
  syncOrder: number;
  syncFromUtc?: string | undefined;
  syncFromWindow?: number | undefined;
  monthsToSync?: number | undefined;
  isLocked?: boolean | undefined;
  /** Sluice's addition: every pull of this type reads everything and flags records gone from the source. */
  fullPull?: boolean | undefined;
  /** Sluice's addition: refresh at the times this cron expression names (e.g. `0 2 * * *`) instead of every syncSchedule hours. */
  syncCron?: string | undefined;
  /** Sluice's addition: the IANA time zone syncCron is read in; UTC when unset. */
  syncTimeZone?: string | undefined;
}

const REPORTS: readonly DataType[] = ['balanceSheet', 'profitAndLoss', 'cashFlowStatement'];

/** What a client has until it sets its own: every type fetched on first link, daily, in spec order. */
export function defaultSyncSettings(): SyncSetting[] {
  return DATA_TYPES.map((dataType, syncOrder) => ({
    dataType,
    fetchOnFirstLink: true,
    syncSchedule: 24,
    syncOrder,
    ...(REPORTS.includes(dataType) && { monthsToSync: 24 }),
  }));
}

/** The data types a full refresh queues, in the order it queues them. */
export function typesToFetch(settings: readonly SyncSetting[]): DataType[] {
  return [...settings]
    .filter((s) => s.fetchOnFirstLink)
    .sort((a, b) => a.syncOrder - b.syncOrder)
    .map((s) => s.dataType);
}
