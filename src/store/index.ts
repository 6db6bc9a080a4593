import { type Db, type Dialect, migrateToLatest, openDatabase } from './database.js';
import { CompanyStore } from './companies.js';
import { PullOperationStore } from './pull-operations.js';
import { PullSlotStore } from './pull-slots.js';
import { RecordStore } from './records.js';
import { RateLimitStore } from './rate-limits.js';
import { RefreshJobStore } from './refresh-jobs.js';
import { ScheduleStore } from './schedules.js';
import { SyncSettingsStore } from './sync-settings.js';
import { TenantStore } from './tenants.js';
import { WebhookStore } from './webhooks.js';

export type { Db, Dialect } from './database.js';
export { redactDatabaseUrl } from './database.js';
export type * from './schema.js';
export type { CommittedPage, DataStatusWithCurrent, NewPullOperation, PullPlan } from './pull-operations.js';
export { CheckpointConflictError } from './pull-operations.js';
export type { PageRecord, PageWriteCounts, RecordScope } from './record-writes.js';
export type { Listing } from './listing.js';
export { pullOperationFields } from './pull-operations.js';
export { companyFields, connectionFields } from './companies.js';
export type { ListedDelivery } from './webhooks.js';

/** Everything the API and the activities persist, behind one handle. */
export interface Store {
  db: Db;
  dialect: Dialect;
  tenants: TenantStore;
  companies: CompanyStore;
  pullOperations: PullOperationStore;
  records: RecordStore;
  syncSettings: SyncSettingsStore;
  refreshJobs: RefreshJobStore;
  rateLimits: RateLimitStore;
  pullSlots: PullSlotStore;
  schedules: ScheduleStore;
  webhooks: WebhookStore;
  close(): Promise<void>;
}

/** Opens the store and brings its schema up to date. */
export async function openStore(databaseUrl: string, options: { poolSize?: number } = {}): Promise<Store> {
  const opened = openDatabase(databaseUrl, options);
  const { db, dialect } = opened;
  await migrateToLatest(opened);
  return {
    db,
    dialect,
    tenants: new TenantStore(db),
    companies: new CompanyStore(db),
    pullOperations: new PullOperationStore(db),
    records: new RecordStore(db),
    syncSettings: new SyncSettingsStore(db),
    refreshJobs: new RefreshJobStore(db),
    rateLimits: new RateLimitStore(db),
    pullSlots: new PullSlotStore(db),
    schedules: new ScheduleStore(db),
    webhooks: new WebhookStore(db),
    close: () => db.destroy(),
  };
}
