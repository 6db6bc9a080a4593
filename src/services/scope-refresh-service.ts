import { type DataType, isDataType } from '../domain/index.js';
import type { PullOperationRow } from '../store/index.js';
import type { ConnectionRefreshService } from './connection-refresh-service.js';
import { InvalidRequestError } from './errors.js';
import type { RefreshService } from './refresh-service.js';

/**
 * What `POST /refresh/{scope}` refreshes. The grammar:
 *   company:{companyId}              every fetch-on-first-link type (as POST /companies/{id}/data/all), or only
 *                                    the request's `dataTypes`
 *   company:{companyId}:{dataType}   one data type of a company
 *   connection:{connectionId}        every data type of one connection (as the connection refresh API)
 */
export type Scope =
  | { kind: 'company'; companyId: string; dataType?: DataType }
  | { kind: 'connection'; connectionId: string };

const ID = /^[A-Za-z0-9-]{1,64}$/;

export function parseScope(text: string): Scope {
  const [kind, id, dataType, ...rest] = text.split(':');
  const invalid = (why: string) =>
    new InvalidRequestError(`Invalid scope "${text}": ${why}. Use company:{companyId}, company:{companyId}:{dataType} or connection:{connectionId}`);
  if (rest.length > 0 || !id || !ID.test(id)) throw invalid('expected a kind and an id');
  if (kind === 'connection' && dataType === undefined) return { kind, connectionId: id };
  if (kind === 'company') {
    if (dataType === undefined) return { kind, companyId: id };
    if (isDataType(dataType)) return { kind, companyId: id, dataType };
    throw invalid(`${dataType} is not a data type`);
  }
  throw invalid(`unknown kind "${kind}"`);
}

export interface ScopeRefresh {
  scope: string;
  pulls: PullOperationRow[];
  jobId?: string;
}

/** Routes a scope refresh to the refresh it stands for. */
export class ScopeRefreshService {
  constructor(
    private readonly refreshes: RefreshService,
    private readonly connectionRefreshes: ConnectionRefreshService,
  ) {}

  async refresh(clientId: string, scopeText: string, request: { dataTypes?: DataType[] | undefined }): Promise<ScopeRefresh> {
    const scope = parseScope(scopeText);
    if (scope.kind === 'connection') {
      if (request.dataTypes) throw new InvalidRequestError('dataTypes can only narrow a company:{companyId} scope');
      const job = await this.connectionRefreshes.refresh(clientId, clientId, scope.connectionId, {});
      return { scope: scopeText, pulls: job.pulls, jobId: job.job.id };
    }
    if (scope.dataType || request.dataTypes) {
      if (scope.dataType && request.dataTypes) throw new InvalidRequestError('Give the data type in the scope or in dataTypes, not both');
      const pulls: PullOperationRow[] = [];
      for (const dataType of scope.dataType ? [scope.dataType] : request.dataTypes!) {
        pulls.push(await this.refreshes.queueDataType({ clientId, companyId: scope.companyId, dataType }));
      }
      return { scope: scopeText, pulls };
    }
    // The company refresh workflow starts the pulls as its concurrency allows: none is known yet.
    await this.refreshes.queueAll(clientId, scope.companyId);
    return { scope: scopeText, pulls: [] };
  }
}
