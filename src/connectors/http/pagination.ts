import LinkHeader from 'http-link-header';
import { z } from 'zod';
import { ShapeProblem } from './errors.js';
import type { Pagination } from './parameters.js';
import { readPath } from './records.js';

// Where a pull stands, and how to ask for the next page in each pagination style. The position is the cursor
// handed to Sluice: a small JSON document, so a resumed pull asks for exactly the page it would have asked for.

const positionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('page'), page: z.number().int().min(0) }),
  z.object({ type: z.literal('offset'), offset: z.number().int().min(0) }),
  z.object({ type: z.literal('cursor'), cursor: z.string().nullable() }),
  /** nextUrl and linkHeader: the URL to fetch, null for the first page. */
  z.object({ type: z.literal('url'), url: z.url().nullable() }),
  z.object({ type: z.literal('none') }),
]);

export type Position = z.infer<typeof positionSchema>;

const positionTypeOf = (pagination: Pagination): Position['type'] =>
  pagination.type === 'nextUrl' || pagination.type === 'linkHeader' ? 'url' : pagination.type;

export function startPosition(pagination: Pagination): Position {
  switch (pagination.type) {
    case 'page':
      return { type: 'page', page: pagination.firstPage };
    case 'offset':
      return { type: 'offset', offset: 0 };
    case 'cursor':
      return { type: 'cursor', cursor: null };
    case 'nextUrl':
    case 'linkHeader':
      return { type: 'url', url: null };
    case 'none':
      return { type: 'none' };
  }
}

/** The position a cursor stands for: the start for null. Throws ShapeProblem for a cursor of another style. */
export function decodeCursor(cursor: string | null, pagination: Pagination): Position {
  if (cursor === null) return startPosition(pagination);
  let parsed: z.ZodSafeParseResult<Position>;
  try {
    parsed = positionSchema.safeParse(JSON.parse(cursor));
  } catch {
    throw new ShapeProblem('the saved cursor is not JSON');
  }
  if (!parsed.success) throw new ShapeProblem('the saved cursor is not one this connector wrote');
  if (parsed.data.type !== positionTypeOf(pagination)) throw new ShapeProblem(`the saved cursor is for ${parsed.data.type} pagination, the connection now uses ${pagination.type}`);
  return parsed.data;
}

/**
 * The cursor for a position. A next-page URL is stored without the connection's static query parameters
 * (they may hold keys); they are added back to every request.
 */
export function encodeCursor(position: Position, staticQueryKeys: Iterable<string>): string {
  if (position.type === 'url' && position.url !== null) {
    const url = new URL(position.url);
    for (const key of staticQueryKeys) url.searchParams.delete(key);
    return JSON.stringify({ type: 'url', url: url.href });
  }
  return JSON.stringify(position);
}

/** The URL of the page at `position`: `first` (the data type's endpoint with its query) on the way in. */
export function pageUrl(first: URL, pagination: Pagination, position: Position): URL {
  const url = position.type === 'url' && position.url !== null ? new URL(position.url) : new URL(first);
  const set = (name: string, value: string | number) => url.searchParams.set(name, String(value));
  switch (pagination.type) {
    case 'page':
      set(pagination.pageParam, (position as { page: number }).page);
      set(pagination.pageSizeParam, pagination.pageSize);
      break;
    case 'offset':
      set(pagination.offsetParam, (position as { offset: number }).offset);
      set(pagination.limitParam, pagination.limit);
      break;
    case 'cursor': {
      if (pagination.pageSizeParam !== undefined) set(pagination.pageSizeParam, pagination.pageSize!);
      const cursor = (position as { cursor: string | null }).cursor;
      if (cursor !== null) set(pagination.cursorParam, cursor);
      break;
    }
    case 'nextUrl':
    case 'linkHeader':
      // A next URL is followed as given; only the first request names a page size.
      if (pagination.pageSizeParam !== undefined && (position as { url: string | null }).url === null) set(pagination.pageSizeParam, pagination.pageSize!);
      break;
    case 'none':
      break;
  }
  return url;
}

export interface PageAnswer {
  body: unknown;
  /** The Link header, if any. */
  link: string | null;
  /** Where the page came from (relative next URLs resolve against it). */
  url: URL;
  recordCount: number;
  total: number | undefined;
}

/**
 * The position of the page after this one, or null when this was the last. `origin` is the source's: a next URL
 * elsewhere is refused, since following it would hand the connection's credentials to another host.
 */
export function nextPosition(pagination: Pagination, position: Position, answer: PageAnswer, origin: string): Position | null {
  const { recordCount, total } = answer;
  switch (pagination.type) {
    case 'page': {
      const page = (position as { page: number }).page;
      const seen = (page - pagination.firstPage) * pagination.pageSize + recordCount;
      const last = recordCount === 0 || (total === undefined ? recordCount < pagination.pageSize : seen >= total);
      return last ? null : { type: 'page', page: page + 1 };
    }
    case 'offset': {
      const seen = (position as { offset: number }).offset + recordCount;
      const last = recordCount === 0 || (total === undefined ? recordCount < pagination.limit : seen >= total);
      return last ? null : { type: 'offset', offset: seen };
    }
    case 'cursor': {
      const token = readPath(answer.body, pagination.nextCursorPath);
      if (token === undefined || token === null || token === '') return null;
      if (typeof token !== 'string' && typeof token !== 'number') throw new ShapeProblem(`the next cursor at \`${pagination.nextCursorPath}\` is not a string; check nextCursorPath`);
      if (String(token) === (position as { cursor: string | null }).cursor) throw new ShapeProblem('the source returned the same cursor as the request, which would repeat this page forever');
      return { type: 'cursor', cursor: String(token) };
    }
    case 'nextUrl': {
      const next = readPath(answer.body, pagination.nextUrlPath);
      if (next === undefined || next === null || next === '') return null;
      if (typeof next !== 'string') throw new ShapeProblem(`the next page URL at \`${pagination.nextUrlPath}\` is not a string; check nextUrlPath`);
      return followUrl(next, answer.url, origin);
    }
    case 'linkHeader': {
      if (!answer.link) return null;
      let next: string | undefined;
      try {
        next = LinkHeader.parse(answer.link).rel('next')[0]?.uri;
      } catch {
        throw new ShapeProblem('its Link header cannot be parsed');
      }
      return next === undefined ? null : followUrl(next, answer.url, origin);
    }
    case 'none':
      return null;
  }
}

function followUrl(next: string, current: URL, origin: string): Position {
  let url: URL;
  try {
    url = new URL(next, current);
  } catch {
    throw new ShapeProblem(`the next page link "${next.slice(0, 200)}" is not a URL`);
  }
  if (url.origin !== origin) throw new ShapeProblem(`the next page link points to ${url.origin}, not to the connection's ${origin}; Sluice does not send credentials elsewhere`);
  if (url.href === current.href) throw new ShapeProblem('the next page link is the page just read, which would repeat it forever');
  return { type: 'url', url: url.href };
}
