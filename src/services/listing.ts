import { compileQuery, parseOrderBy, parseQuery, type QueryableResource } from '../query/index.js';
import type { Listing } from '../store/index.js';

export interface ListRequest {
  query?: string | undefined;
  orderBy?: string | undefined;
  page: number;
  pageSize: number;
}

/** Codat list parameters as a store listing. A malformed query or unknown property throws QueryError (a 400). */
export function toListing(resource: QueryableResource, request: ListRequest, defaultOrderBy: string): Listing {
  const filter = request.query === undefined ? undefined : compileQuery(resource, parseQuery(request.query));
  return {
    ...(filter && { filter }),
    orderBy: parseOrderBy(resource, request.orderBy ?? defaultOrderBy),
    offset: (request.page - 1) * request.pageSize,
    limit: request.pageSize,
  };
}
