import { type DataType, isInProgress } from '../domain/index.js';
import { compileQuery, parseOrderTerm, parseQuery } from '../query/index.js';
import type { Store } from '../store/index.js';
import { type ListedRecord, recordFields, type RecordListing, type RecordReadScope } from '../store/records.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { ListRequest } from './listing.js';

/** The records of a data type cannot be served yet: never requested, still on its first pull, or never pulled successfully. */
export class DataNotReadyError extends ConflictError {
  override name = 'DataNotReadyError';
}

export interface ListRecordsRequest extends ListRequest {
  clientId: string;
  companyId: string;
  /** Only this connection's records; without it, those of every connection of the company. */
  connectionId?: string | undefined;
  dataType: DataType;
}

/** Reads the records pulls have stored, as Codat's data endpoints serve them. */
export class RecordsService {
  constructor(private readonly store: Store) {}

  /**
   * A page of records, filtered and ordered by Codat's query language (any property of the records' data
   * can be named). Throws QueryError (bad query or orderBy), NotFoundError (company or connection not the
   * client's), DataNotReadyError (nothing to serve yet).
   */
  async list(request: ListRecordsRequest): Promise<{ rows: ListedRecord[]; total: number }> {
    // Checked before the company, so a malformed query is a 400 whatever the company.
    const listing = this.toListing(request);
    const scope: RecordReadScope = { clientId: request.clientId, companyId: request.companyId, connectionId: request.connectionId, dataType: request.dataType };
    await this.requireScope(scope);
    await this.requireData(scope);
    return this.store.records.list(scope, listing);
  }

  private toListing(request: ListRecordsRequest): RecordListing {
    const resource = recordFields(this.store.dialect);
    return {
      filter: request.query === undefined ? undefined : compileQuery(resource, parseQuery(request.query)),
      order: request.orderBy === undefined ? undefined : parseOrderTerm(resource, request.orderBy),
      offset: (request.page - 1) * request.pageSize,
      limit: request.pageSize,
    };
  }

  private async requireScope({ clientId, companyId, connectionId }: RecordReadScope): Promise<void> {
    const company = await this.store.companies.getCompany(clientId, companyId);
    if (!company) throw new NotFoundError(`No company was found with ID ${companyId}`);
    if (connectionId === undefined) return;
    const connection = await this.store.companies.getClientConnection(clientId, connectionId);
    if (!connection || connection.company_id !== companyId) throw new NotFoundError(`Data connection ${connectionId} not found`);
  }

  /**
   * Records are served once any pull of the type in scope has succeeded, even while a later one runs. Before
   * that: never requested, still on its first pull, or every attempt so far has failed.
   */
  private async requireData(scope: RecordReadScope): Promise<void> {
    const states = await this.store.records.dataSetStates(scope);
    if (states.some((s) => s.latest_successful_sync_id !== null)) return;
    if (states.length === 0) throw new DataNotReadyError('The data set has not been requested.');
    if (states.some((s) => isInProgress(s.latest_status))) throw new DataNotReadyError('The data set is still syncing.');
    const statuses = [...new Set(states.map((s) => s.latest_status))].join(', ');
    throw new DataNotReadyError(`The data set has not been synced successfully: its latest pull operation ended with status ${statuses}.`);
  }
}
