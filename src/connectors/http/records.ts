import type { SourceRecord } from '../connector.js';
import { ShapeProblem } from './errors.js';
import type { DataTypeEndpoint } from './parameters.js';
import { parseSourceTime } from '../../domain/index.js';

/** The value at a dot path ("data.items"); '' is the value itself. Undefined where the path leads nowhere. */
export function readPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : value === undefined ? 'missing' : `a ${typeof value}`);
const where = (path: string) => (path === '' ? 'the body' : `\`${path}\``);

/**
 * A time as ISO-8601, from an ISO string (a date-time without a zone taken as UTC, as Sluice's store does) or a
 * unix time in seconds (< 1e11) or milliseconds. Null when absent, undefined when unreadable.
 */
export function toIsoTime(value: unknown): string | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  const ms = typeof value === 'number' ? (Math.abs(value) < 1e11 ? value * 1000 : value) : typeof value === 'string' ? parseSourceTime(value) : Number.NaN;
  // Past ±8.64e15 ms (the range of a JS date) toISOString throws; such a time is as unreadable as NaN.
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined;
}

/** The records of one page, and the listing's total when the body says it; throws ShapeProblem when it cannot. */
export function readRecords(body: unknown, endpoint: DataTypeEndpoint, dataType: string): { records: SourceRecord[]; total: number | undefined } {
  const list = readPath(body, endpoint.recordsPath);
  if (!Array.isArray(list)) {
    throw new ShapeProblem(`${where(endpoint.recordsPath)} is not a list of records (it is ${kindOf(list)}); check recordsPath for ${dataType}`);
  }
  const records = list.map((item: unknown, i): SourceRecord => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new ShapeProblem(`record ${i + 1} of the page is ${kindOf(item)}, not an object; check recordsPath for ${dataType}`);
    }
    const rawId = readPath(item, endpoint.idField);
    if (!((typeof rawId === 'string' && rawId !== '') || (typeof rawId === 'number' && Number.isFinite(rawId)))) {
      throw new ShapeProblem(`record ${i + 1} of the page has no id at \`${endpoint.idField}\` (it is ${kindOf(rawId)}); check idField for ${dataType}`);
    }
    let modifiedDate: string | null = null;
    if (endpoint.modifiedField !== undefined) {
      const raw = readPath(item, endpoint.modifiedField);
      const iso = toIsoTime(raw);
      if (iso === undefined) {
        throw new ShapeProblem(`record ${String(rawId)} has \`${endpoint.modifiedField}\` ${JSON.stringify(raw)?.slice(0, 60)}, which is not a time; check modifiedField for ${dataType}`);
      }
      modifiedDate = iso;
    }
    return { id: String(rawId), modifiedDate, data: item as Record<string, unknown> };
  });
  return { records, total: endpoint.totalPath === undefined ? undefined : readTotal(readPath(body, endpoint.totalPath)) };
}

function readTotal(value: unknown): number | undefined {
  const total = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof total === 'number' && Number.isSafeInteger(total) && total >= 0 ? total : undefined;
}
