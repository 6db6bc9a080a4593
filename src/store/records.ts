import { type RawBuilder, type SqlBool } from 'kysely';
import type { DataType, PullStatus } from '../domain/index.js';
import type { OrderTerm, QueryableResource } from '../query/index.js';
import type { Db, Dialect } from './database.js';
import type { RecordsTable } from './schema.js';

/**
 * What `query` and `orderBy` may name on records: Sluice's own fields by their wire names, and any other
 * property (`totalAmount`, `customerRef.id`) inside the record's data.
 */
export function recordFields(dialect: Dialect): QueryableResource {
  return {
    name: 'Record',
    fields: {
      id: { column: 'records.source_id', type: 'string' },
      modifiedDate: { column: 'records.updated_at', type: 'date' },
      sourceModifiedDate: { column: 'records.source_modified_date', type: 'date' },
      'metadata.isDeleted': { column: 'records.is_deleted', type: 'boolean' },
    },
    json: { column: 'records.data', dialect },
  };
}

/** Whose records, of which type: a company's (every connection of it) or one of its connections'. */
export interface RecordReadScope {
  clientId: string;
  companyId: string;
  connectionId?: string | undefined;
  dataType: DataType;
}

/** A page of records: a compiled query and order (see src/query), and a window. */
export interface RecordListing {
  filter?: RawBuilder<SqlBool> | undefined;
  /** Without one, records come by connection, then source id. */
  order?: OrderTerm | undefined;
  offset: number;
  limit: number;
}

export type ListedRecord = Pick<RecordsTable, 'connection_id' | 'source_id' | 'data' | 'source_modified_date' | 'updated_at'> & { is_deleted: number };

/** The state of a data type on one connection: its latest pull, and whether any pull of it ever succeeded. */
export interface DataSetState {
  connection_id: string;
  latest_sync_id: string;
  latest_successful_sync_id: string | null;
  latest_status: PullStatus;
}

export class RecordStore {
  constructor(private readonly db: Db) {}

  async count(companyId: string, connectionId: string, dataType: DataType): Promise<number> {
    const { n } = await this.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('company_id', '=', companyId)
      .where('connection_id', '=', connectionId)
      .where('data_type', '=', dataType)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** One row per connection in scope that the data type was ever requested for (none: never requested). */
  async dataSetStates(scope: RecordReadScope): Promise<DataSetState[]> {
    let query = this.db
      .selectFrom('data_status')
      .innerJoin('pull_operations', 'pull_operations.id', 'data_status.latest_sync_id')
      .select(['data_status.connection_id', 'data_status.latest_sync_id', 'data_status.latest_successful_sync_id', 'pull_operations.status as latest_status'])
      .where('pull_operations.client_id', '=', scope.clientId)
      .where('data_status.company_id', '=', scope.companyId)
      .where('data_status.data_type', '=', scope.dataType);
    if (scope.connectionId !== undefined) query = query.where('data_status.connection_id', '=', scope.connectionId);
    return query.execute();
  }

  /**
   * One page of the records in scope, and how many match in all. Scoped to the client through the company,
   * so another client's records cannot be named. Ties (and everything, without an order) go by connection,
   * then source id, so pages never overlap.
   */
  async list(scope: RecordReadScope, listing: RecordListing): Promise<{ rows: ListedRecord[]; total: number }> {
    let rows = this.db
      .selectFrom('records')
      .innerJoin('companies', 'companies.id', 'records.company_id')
      .where('companies.client_id', '=', scope.clientId)
      .where('records.company_id', '=', scope.companyId)
      .where('records.data_type', '=', scope.dataType);
    if (scope.connectionId !== undefined) rows = rows.where('records.connection_id', '=', scope.connectionId);
    if (listing.filter) rows = rows.where(listing.filter);

    let page = rows.select([
      'records.connection_id',
      'records.source_id',
      'records.data',
      'records.source_modified_date',
      'records.updated_at',
      'records.is_deleted',
    ]);
    for (const key of listing.order?.keys ?? []) page = page.orderBy(key, listing.order!.direction);
    page = page.orderBy('records.connection_id').orderBy('records.source_id').offset(listing.offset).limit(listing.limit);

    const [{ total }, found] = await Promise.all([
      rows.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
      page.execute(),
    ]);
    return { rows: found.map((row) => ({ ...row, is_deleted: Number(row.is_deleted) })), total: Number(total) };
  }
}
