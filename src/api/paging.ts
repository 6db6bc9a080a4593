import { ApiError } from './errors.js';

export interface Paging {
  page: number;
  pageSize: number;
}

function positiveInt(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1 || number > max) {
    throw new ApiError(400, `${name} must be a whole number from 1 to ${max}`);
  }
  return number;
}

/** Codat's `page` (default 1) and `pageSize` (default 100, at most 5000). */
export function readPaging(query: Record<string, unknown>): Paging {
  return {
    page: positiveInt(query.page, 'page', 1, Number.MAX_SAFE_INTEGER),
    pageSize: positiveInt(query.pageSize, 'pageSize', 100, 5000),
  };
}

/** Codat's paging envelope: the results, the page, the total after filtering, and HAL links. */
export function pagedResponse<T>(path: string, params: Record<string, string | undefined>, paging: Paging, results: T[], totalResults: number) {
  const href = (page: number) => {
    const search = new URLSearchParams();
    search.set('page', String(page));
    search.set('pageSize', String(paging.pageSize));
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
    return { href: `${path}?${search}` };
  };
  return {
    results,
    pageNumber: paging.page,
    pageSize: paging.pageSize,
    totalResults,
    _links: {
      self: { href: path },
      current: href(paging.page),
      ...(paging.page * paging.pageSize < totalResults && { next: href(paging.page + 1) }),
      ...(paging.page > 1 && { previous: href(Math.min(paging.page - 1, Math.max(1, Math.ceil(totalResults / paging.pageSize)))) }),
    },
  };
}
