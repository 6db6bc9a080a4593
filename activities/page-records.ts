import type { SourceRecord } from '../src/connectors/connector.js';
import { UpstreamError } from '../src/connectors/errors.js';
import { parseSourceTime } from '../src/domain/index.js';
import type { PageRecord } from '../src/store/index.js';

/** A source's modified date as sortable ISO-8601 UTC, so that high-water marks compare as text; dropped if unreadable. */
export function normaliseModifiedDate(value: string | null): string | null {
  if (value === null || value === '') return null;
  const time = parseSourceTime(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

export interface PreparedPage {
  records: PageRecord[];
  /** The latest modified date on the page, or null when none has one. */
  highWaterMark: string | null;
}

/** Checks and serialises a page's records for the store. A source may repeat a record in a page: the last copy wins. */
export function preparePage(records: readonly SourceRecord[], where: string): PreparedPage {
  const byId = new Map<string, PageRecord>();
  let highWaterMark: string | null = null;
  for (const [index, record] of records.entries()) {
    if (typeof record.id !== 'string' || record.id === '') {
      throw new UpstreamError('malformed', `Record ${index + 1} of ${where} has no id`);
    }
    if (record.id.includes('\u0000')) throw new UpstreamError('malformed', `Record ${index + 1} of ${where} has an id with a NUL character`);
    const sourceModifiedDate = normaliseModifiedDate(record.modifiedDate);
    if (sourceModifiedDate !== null && (highWaterMark === null || sourceModifiedDate > highWaterMark)) highWaterMark = sourceModifiedDate;
    byId.set(record.id, { sourceId: record.id, data: serialise(record.data), sourceModifiedDate });
  }
  return { records: [...byId.values()], highWaterMark };
}

/** JSON text of a record. NUL characters are dropped from its strings: PostgreSQL's text and jsonb cannot hold them. */
function serialise(data: Record<string, unknown>): string {
  const text = JSON.stringify(data);
  if (!text.includes('\\u0000')) return text;
  return JSON.stringify(data, (_key, value: unknown) => (typeof value === 'string' ? value.replaceAll('\u0000', '') : value));
}
