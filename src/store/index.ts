import { type Db, migrateToLatest, openDatabase } from './database.js';
import { CompanyStore } from './companies.js';
import { PullOperationStore } from './pull-operations.js';
import { RecordStore } from './records.js';
import { TenantStore } from './tenants.js';

export type { Db } from './database.js';
export type * from './schema.js';
export type { CommittedPage, DataStatusWithCurrent, NewPullOperation } from './pull-operations.js';

/** Everything the API and the activities persist, behind one handle. */
export interface Store {
  db: Db;
  tenants: TenantStore;
  companies: CompanyStore;
  pullOperations: PullOperationStore;
  records: RecordStore;
  close(): Promise<void>;
}

/** Opens the store and brings its schema up to date. */
export async function openStore(databaseUrl: string): Promise<Store> {
  const db = openDatabase(databaseUrl);
  await migrateToLatest(db);
  return {
    db,
    tenants: new TenantStore(db),
    companies: new CompanyStore(db),
    pullOperations: new PullOperationStore(db),
    records: new RecordStore(db),
    close: () => db.destroy(),
  };
}
