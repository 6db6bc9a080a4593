import { type RawBuilder, sql, type SqlBool } from 'kysely';
import { type Comparison, type Operator, QueryError, type QueryNode } from './ast.js';
import { type JsonSource, jsonValue, type JsonValue, PATH_SEGMENT } from './json.js';

export type FieldType = 'string' | 'number' | 'date' | 'boolean';

export interface QueryField {
  /**
   * The column, qualified by its table: `pull_operations.requested_at`. Dates are stored as ISO-8601 UTC text,
   * booleans as the integers 0 and 1.
   */
  column: string;
  type: FieldType;
}

/** What a query can name on one kind of resource, and how the resource is called in error messages. */
export interface QueryableResource {
  name: string;
  fields: Readonly<Record<string, QueryField>>;
  /**
   * Where every other property is looked up: a column of JSON documents, `customerRef.id` naming a path in
   * them. Without it, a property outside `fields` is an error.
   */
  json?: JsonSource;
}

const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  string: ['=', '!=', '~'],
  number: ['=', '!=', '>', '<', '>=', '<='],
  date: ['=', '!=', '>', '<', '>=', '<='],
  boolean: ['=', '!='],
};

// Operators reach SQL only through this table, never from the query text.
const SQL_OPERATOR: Record<Exclude<Operator, '~'>, RawBuilder<unknown>> = {
  '=': sql.raw('='),
  '!=': sql.raw('<>'),
  '>': sql.raw('>'),
  '<': sql.raw('<'),
  '>=': sql.raw('>='),
  '<=': sql.raw('<='),
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
/** Most nested a JSON property may be: deeper paths are surely mistakes. */
const MAX_PATH_SEGMENTS = 16;

/** A YYYY-MM-DD day as [its start, the next day's start], both as sortable ISO text; or undefined. */
function dayBounds(value: string): [string, string] | undefined {
  const match = DAY.exec(value);
  if (!match) return undefined;
  const start = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (start.toISOString().slice(0, 10) !== value) return undefined; // 2023-02-30 and the like
  return [value, new Date(start.getTime() + 86_400_000).toISOString().slice(0, 10)];
}

function parseNumber(value: string): number | undefined {
  const number = Number(value);
  return NUMBER.test(value) && Number.isFinite(number) ? number : undefined;
}

function parseBoolean(value: string): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** What a property names: a typed column, or a value inside the resource's JSON documents. */
type Target = { kind: 'column'; field: QueryField } | { kind: 'json'; value: JsonValue };

/** A column field by name. Throws QueryError for anything else (JSON properties included). */
export function resolveField(resource: QueryableResource, property: string): QueryField {
  const field = Object.hasOwn(resource.fields, property) ? resource.fields[property] : undefined;
  if (!field) throw new QueryError(`Could not resolve property ${property} on ${resource.name}`);
  return field;
}

function resolveTarget(resource: QueryableResource, property: string): Target {
  if (Object.hasOwn(resource.fields, property) || !resource.json) return { kind: 'column', field: resolveField(resource, property) };
  const path = property.split('.');
  if (path.length > MAX_PATH_SEGMENTS || !path.every((segment) => PATH_SEGMENT.test(segment))) {
    throw new QueryError(`Could not resolve property ${property} on ${resource.name}: a property is names of letters, digits and _ joined by dots`);
  }
  return { kind: 'json', value: jsonValue(resource.json, path) };
}

/** Contains, ignoring the case of ASCII letters alike in SQLite and PostgreSQL; % and _ are literal. */
function contains(expression: RawBuilder<unknown>, value: string): RawBuilder<SqlBool> {
  const pattern = `%${value.toLowerCase().replace(/[!%_]/g, '!$&')}%`;
  return sql<SqlBool>`lower(${expression}) like ${pattern} escape '!'`;
}

/** A comparison with a whole day: `=2024-05-01` is any time that day, `>` is after it. Dates are ISO text. */
function compareDay(expression: RawBuilder<unknown>, operator: Exclude<Operator, '~'>, [start, next]: [string, string]): RawBuilder<SqlBool> {
  switch (operator) {
    case '=':
      return sql<SqlBool>`(${expression} >= ${start} and ${expression} < ${next})`;
    case '!=':
      return sql<SqlBool>`(${expression} < ${start} or ${expression} >= ${next})`;
    case '>':
      return sql<SqlBool>`${expression} >= ${next}`;
    case '>=':
      return sql<SqlBool>`${expression} >= ${start}`;
    case '<':
      return sql<SqlBool>`${expression} < ${start}`;
    case '<=':
      return sql<SqlBool>`${expression} < ${next}`;
  }
}

function compileColumnComparison(field: QueryField, { property, operator, value }: Comparison): RawBuilder<SqlBool> {
  if (!OPERATORS_BY_TYPE[field.type].includes(operator)) {
    throw new QueryError(`Operator ${operator} cannot be used with ${property}, a ${field.type}; use one of ${OPERATORS_BY_TYPE[field.type].join(' ')}`);
  }
  const column = sql.ref(field.column);
  if (operator === '~') return contains(column, value);
  switch (field.type) {
    case 'number': {
      const number = parseNumber(value);
      if (number === undefined) throw new QueryError(`${property} is a number; "${value}" is not`);
      return sql<SqlBool>`${column} ${SQL_OPERATOR[operator]} ${number}`;
    }
    case 'boolean': {
      const boolean = parseBoolean(value);
      if (boolean === undefined) throw new QueryError(`${property} is a boolean; write true or false, not "${value}"`);
      return sql<SqlBool>`${column} ${SQL_OPERATOR[operator]} ${boolean ? 1 : 0}`;
    }
    case 'date': {
      const day = dayBounds(value);
      if (day) return compareDay(column, operator, day);
      const instant = /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : undefined;
      if (!instant || Number.isNaN(instant.getTime())) throw new QueryError(`${property} is a date; write it as YYYY-MM-DD, not "${value}"`);
      return sql<SqlBool>`${column} ${SQL_OPERATOR[operator]} ${instant.toISOString()}`;
    }
    case 'string':
      return sql<SqlBool>`${column} ${SQL_OPERATOR[operator]} ${value}`;
  }
}

/**
 * A JSON property has no declared type, so the value written decides how it compares: a number numerically
 * (with JSON numbers), YYYY-MM-DD as a whole day (with strings that start with a date, e.g.
 * `2026-01-01T00:00:00` or `…Z`), true and false with JSON booleans, anything else as a string. `=` and `!=`
 * with a number or boolean also match a string of exactly that text (`nominalCode=1200` finds "1200"); `~` is
 * always a string's contains. A value of any other type, or none, matches no comparison.
 */
function compileJsonComparison(json: JsonValue, { property, operator, value }: Comparison): RawBuilder<SqlBool> {
  if (operator === '~') return contains(json.string, value);
  const op = SQL_OPERATOR[operator];
  const equality = operator === '=' || operator === '!=';
  const number = parseNumber(value);
  if (number !== undefined) {
    return equality ? sql<SqlBool>`(${json.number} ${op} ${number} or ${json.string} ${op} ${value})` : sql<SqlBool>`${json.number} ${op} ${number}`;
  }
  const day = dayBounds(value);
  if (day) return compareDay(sql`(case when ${json.string} like '____-__-__%' then ${json.string} end)`, operator, day);
  if (!equality) {
    throw new QueryError(`Operator ${operator} cannot be used with ${property}${operator}${value}: it compares numbers (e.g. 100) and dates (YYYY-MM-DD) only`);
  }
  if (parseBoolean(value) !== undefined) return sql<SqlBool>`(${json.boolean} ${op} ${value} or ${json.string} ${op} ${value})`;
  return sql<SqlBool>`${json.string} ${op} ${value}`;
}

function compileComparison(resource: QueryableResource, comparison: Comparison): RawBuilder<SqlBool> {
  const target = resolveTarget(resource, comparison.property);
  return target.kind === 'column' ? compileColumnComparison(target.field, comparison) : compileJsonComparison(target.value, comparison);
}

/**
 * Turns a parsed query into a SQL condition for `.where(…)`. Property names resolve through the resource's
 * field map (or, for a resource with JSON documents, to a validated path in them) and every value is a bound
 * parameter: no text of the query reaches SQL. Throws QueryError.
 */
export function compileQuery(resource: QueryableResource, node: QueryNode): RawBuilder<SqlBool> {
  if (node.kind === 'comparison') return compileComparison(resource, node);
  const parts = node.operands.map((operand) => compileQuery(resource, operand));
  return sql<SqlBool>`(${sql.join(parts, node.kind === 'and' ? sql` and ` : sql` or `)})`;
}

export interface OrderBy {
  column: string;
  direction: 'asc' | 'desc';
}

/** Codat's `orderBy`: one property, ascending, or descending with a leading `-`. Column fields only. */
export function parseOrderBy(resource: QueryableResource, text: string): OrderBy {
  const descending = text.startsWith('-');
  const field = resolveField(resource, descending ? text.slice(1) : text);
  return { column: field.column, direction: descending ? 'desc' : 'asc' };
}

/** An order as SQL expressions, each sorted in `direction`. */
export interface OrderTerm {
  keys: RawBuilder<unknown>[];
  direction: 'asc' | 'desc';
}

/**
 * Codat's `orderBy` over any property a query may name, JSON properties included. Nulls (and absent JSON
 * values) sort as the largest values on every store: last ascending, first descending. Throws QueryError.
 */
export function parseOrderTerm(resource: QueryableResource, text: string): OrderTerm {
  const descending = text.startsWith('-');
  const target = resolveTarget(resource, descending ? text.slice(1) : text);
  const direction = descending ? 'desc' : 'asc';
  if (target.kind === 'json') return { keys: target.value.sortKeys, direction };
  const column = sql.ref(target.field.column);
  return { keys: [sql`(case when ${column} is null then 1 else 0 end)`, column], direction };
}
