// How often a data type is refreshed on schedule: every `syncSchedule` hours (Codat's setting), or, as Sluice's
// addition, at the times a cron expression names in a time zone. Pure: the checks here run before settings are
// saved, so that a schedule Temporal would refuse is refused as a 400 first.

/** Every N hours, or a cron expression in an IANA time zone. */
export type Cadence = { kind: 'interval'; hours: number } | { kind: 'cron'; cron: string; timeZone: string };

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  // Names count from 1 for months and from 0 (Sunday) for days; 7 is Sunday too.
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES },
];

/** The shorthands Temporal accepts besides five fields (`@every` is what `syncSchedule` is for). */
export const CRON_SHORTHANDS = ['@yearly', '@monthly', '@weekly', '@daily', '@hourly'] as const;

function fieldValue(text: string, field: CronField): number | undefined {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toLowerCase() as never) ?? -1;
  if (index < 0) return undefined;
  return field === CRON_FIELDS[3] ? index + 1 : index;
}

function fieldProblem(text: string, field: CronField): string | undefined {
  const bad = (why: string) => `${field.name} "${text}" ${why}`;
  for (const item of text.split(',')) {
    const [range, step, ...more] = item.split('/');
    if (more.length > 0 || range === undefined || range === '') return bad('is not a value, range or step');
    if (step !== undefined && !(/^\d{1,3}$/.test(step) && Number(step) >= 1)) return bad(`has a step that is not a whole number of at least 1`);
    if (range === '*') continue;
    const [from, to, ...rest] = range.split('-');
    if (rest.length > 0) return bad('is not a value, range or step');
    const start = fieldValue(from!, field);
    const end = to === undefined ? start : fieldValue(to, field);
    if (start === undefined || end === undefined) return bad(`is not a number${field.names ? ' or a name' : ''}`);
    if (start < field.min || end > field.max) return bad(`is outside ${field.min}-${field.max}`);
    if (end < start) return bad('is a range that ends before it starts');
  }
  return undefined;
}

/**
 * Why a cron expression is not one Sluice schedules, or undefined if it is: five fields (minute, hour, day of
 * month, month, day of week) of `*`, numbers, names (`jan`, `mon`), ranges, lists and steps, or a shorthand such as
 * `@daily`. Day of month and day of week must both match (Temporal does not OR them as some crons do).
 */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (text.startsWith('@')) {
    return (CRON_SHORTHANDS as readonly string[]).includes(text) ? undefined : `Unknown shorthand ${text}; use one of ${CRON_SHORTHANDS.join(', ')}, or five fields`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `A cron expression has five fields (minute hour day-of-month month day-of-week), not ${fields.length}`;
  for (const [i, field] of CRON_FIELDS.entries()) {
    const problem = fieldProblem(fields[i]!, field);
    if (problem) return `Invalid cron expression: ${problem}`;
  }
  return undefined;
}

let knownZones: Map<string, string> | undefined;

/**
 * Why a time zone is not an IANA zone name Temporal can load, or undefined if it is. JavaScript's Intl accepts
 * any letter case and UTC offsets; Temporal's server (Go) wants the exact name, so both are refused here.
 */
export function timeZoneProblem(timeZone: string): string | undefined {
  const refused = `Unknown time zone "${timeZone}"; use an IANA name such as Europe/London, America/New_York or UTC`;
  if (!/^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/.test(timeZone)) return refused;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return refused;
  }
  knownZones ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  for (const name of [knownZones.get(timeZone.toLowerCase()), resolved]) {
    if (name !== undefined && name !== timeZone && name.toLowerCase() === timeZone.toLowerCase()) return `Unknown time zone "${timeZone}"; did you mean ${name}?`;
  }
  return undefined;
}

/** When a data type is refreshed on schedule: its cron expression if it has one, else every syncSchedule hours; never if 0. */
export function cadenceOf(setting: { syncSchedule: number; syncCron?: string | undefined; syncTimeZone?: string | undefined }): Cadence | undefined {
  if (setting.syncCron) return { kind: 'cron', cron: setting.syncCron.trim(), timeZone: setting.syncTimeZone ?? 'UTC' };
  return setting.syncSchedule > 0 ? { kind: 'interval', hours: setting.syncSchedule } : undefined;
}

/** Equal cadences share a key; a company's schedules group data types by it. */
export function cadenceKey(cadence: Cadence): string {
  return cadence.kind === 'interval' ? `every ${cadence.hours}h` : `cron ${cadence.cron.replace(/\s+/g, ' ')} in ${cadence.timeZone}`;
}
