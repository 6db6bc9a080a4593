/**
 * A source's time as epoch milliseconds: ISO-8601, where a date-time without a zone is taken as UTC (as
 * accounting APIs mean it, and as Sluice's store keeps it). NaN when it does not parse.
 */
export function parseSourceTime(text: string): number {
  const trimmed = text.trim();
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) || !/T\d{2}:\d{2}/.test(trimmed) ? trimmed : `${trimmed}Z`;
  return Date.parse(zoned);
}
