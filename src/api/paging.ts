/** What a list request asked for: Codat's page, pageSize, and the filter and order to echo in links. */
export interface PageRequest {
  page: number;
  pageSize: number;
  query?: string | undefined;
  orderBy?: string | undefined;
}

/** Codat's paging envelope: the results, the page, the total after filtering, and HAL links. */
export function pagedResponse<T>(path: string, request: PageRequest, results: T[], totalResults: number) {
  const href = (page: number) => {
    const search = new URLSearchParams({ page: String(page), pageSize: String(request.pageSize) });
    if (request.query !== undefined) search.set('query', request.query);
    if (request.orderBy !== undefined) search.set('orderBy', request.orderBy);
    return { href: `${path}?${search}` };
  };
  return {
    results,
    pageNumber: request.page,
    pageSize: request.pageSize,
    totalResults,
    _links: {
      self: { href: path },
      current: href(request.page),
      ...(request.page * request.pageSize < totalResults && { next: href(request.page + 1) }),
      ...(request.page > 1 && { previous: href(request.page - 1) }),
    },
  };
}
