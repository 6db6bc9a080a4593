import { describe, expect, it } from 'vitest';
import { normaliseModifiedDate, preparePage } from '../../activities/page-records.js';
import { UpstreamError } from '../../src/connectors/errors.js';

describe('preparePage', () => {
  it('keeps the last copy of a repeated record and finds the latest modified date', () => {
    const page = preparePage(
      [
        { id: 'a', modifiedDate: '2026-01-01T10:00:00', data: { v: 1 } },
        { id: 'b', modifiedDate: '2026-01-02T00:00:00+02:00', data: { v: 2 } },
        { id: 'a', modifiedDate: '2026-01-01T11:00:00Z', data: { v: 3 } },
      ],
      'invoices page 1',
    );
    expect(page.records).toEqual([
      { sourceId: 'a', data: '{"v":3}', sourceModifiedDate: '2026-01-01T11:00:00.000Z' },
      { sourceId: 'b', data: '{"v":2}', sourceModifiedDate: '2026-01-01T22:00:00.000Z' },
    ]);
    expect(page.highWaterMark).toBe('2026-01-01T22:00:00.000Z');
  });

  it('refuses a record without a usable id, naming it and the page', () => {
    const attempt = (id: unknown) => () => preparePage([{ id: id as string, modifiedDate: null, data: {} }], 'bills page 4');
    expect(attempt('')).toThrow(new UpstreamError('malformed', 'Record 1 of bills page 4 has no id'));
    expect(attempt('x\u0000y')).toThrow(/NUL character/);
  });

  it('drops NUL characters from record data, which PostgreSQL cannot store', () => {
    const page = preparePage([{ id: 'a', modifiedDate: null, data: { name: 'Ac\u0000me', nested: ['x\u0000'], literal: '\\u0000' } }], 'p');
    expect(JSON.parse(page.records[0]!.data)).toEqual({ name: 'Acme', nested: ['x'], literal: '\\u0000' });
  });
});

describe('normaliseModifiedDate', () => {
  it('reads zone-less times as UTC and drops what does not parse', () => {
    expect(normaliseModifiedDate('2026-03-01T08:30:00')).toBe('2026-03-01T08:30:00.000Z');
    expect(normaliseModifiedDate('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(normaliseModifiedDate('yesterday')).toBeNull();
    expect(normaliseModifiedDate(null)).toBeNull();
  });
});
