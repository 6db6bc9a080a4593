import { type RawBuilder, sql, type SqlBool } from 'kysely';
import { type Comparison, type Operator, QueryError, type QueryNode } from './ast.js';

export type FieldType = 'string' | 'number' | 'date';

export interface QueryField {
  /** The column, qualified by its table: `pull_operations.requested_at`. Dates are stored as ISO-8601 UTC text. */
  column: string;
  type: FieldType;
}

/** What a query can name on one kind of resource, and how the resource is called in error messages. */
export interface QueryableResource {
  name: string;
  fields: Readonly<Record<string, QueryField>>;
}

const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  string: ['=', '!=', '~'],
  number: ['=', '!=', '>', '<', '>=', '<='],
  date: ['=', '!=', '>', '<', '>=', '<='],
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

/** A YYYY-MM-DD day as [its start, the next day's start], both as sortable ISO text; or undefined. */
function dayBounds(value: string): [string, string] | undefined {
  const match = DAY.exec(value);
  if (!match) return undefined;
  const start = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (start.toISOString().slice(0, 10) !== value) return undefined; // 2023-02-30 and the like
  return [value, new Date(start.getTime() + 86_400_000).toISOString().slice(0, 10)];
}

export function resolveField(resource: QueryableResource, property: string): QueryField {
  const field = Object.hasOwn(resource.fields, property) ? resource.fields[property] : undefined;
  if (!field) throw new QueryError(`Could not resolve property ${property} on ${resource.name}`);
  return field;
}

function compileComparison(resource: QueryableResource, { property, operator, value }: Comparison): RawBuilder<SqlBool> {
  const field = resolveField(resource, property);
  if (!OPERATORS_BY_TYPE[field.type].includes(operator)) {
    throw new QueryError(`Operator ${operator} cannot be used with ${property}, a ${field.type}; use one of ${OPERATORS_BY_TYPE[field.type].join(' ')}`);
  }
  const column = sql.ref(field.column);
  if (operator === '~') {
    // Contains, ignoring the case of ASCII letters alike in SQLite and PostgreSQL; % and _ are literal.
    const pattern = `%${value.toLowerCase().replace(/[!%_]/g, '!$&')}%`;
    return sql<SqlBool>`lower(${column}) like ${pattern} escape '!'`;
  }
  if (field.type === 'number') {
    const number = Number(value);
    if (!/^-?\d+(\.\d+)?$/.test(value) || !Number.isFinite(number)) throw new QueryError(`${property} is a number; "${value}" is not`);
    return sql<SqlBool>`${column} ${SQL_OPERATOR[operator]} ${number}`;
  }
  if (field.type === 'date') {
    const day = dayBounds(value);
    if (day) {
      // A day stands for all of it: `requested=2024-05-01` is any time that day, `>` is after it.
      const [start, next] = day;
      switch (operator) {
        case '=':
          return sql<SqlBool>`(${column} >= ${start} and ${column} < ${next})`;
        case '!=':
          return sql<SqlBool>`(${column} < ${start} or ${column} >= ${next})`;
        case '>':
          return sql<SqlBool>`${column} >= ${next}`;
        case '>=':
          return sql<SqlBool>`${column} >= ${start}`;
        case '<':
          return sql<SqlBool>`${column} < ${start}`;
        case '<=':
          return sql<SqlBool>`${column} < ${next}`;
      }
    }
    const instant = /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : undefined;
    if (!instant || Number.isNaN(instant.getTime())) throw new QueryError(`${property} is a date; write it as YYYY-MM-DD, not "${value}"`);
    return sql<SqlBool>`${column} ${SQL_OPERATOR[operator]} ${instant.toISOString()}`;
  }
  return sql<SqlBool>`${column} ${SQL_OPERATOR[operator]} ${value}`;
}

/**
 * Turns a parsed query into a SQL condition for `.where(…)`. Property names resolve through the resource's
 * field map and every value is a bound parameter: no text of the query reaches SQL. Throws QueryError.
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

/** Codat's `orderBy`: one property, ascending, or descending with a leading `-`. */
export function parseOrderBy(resource: QueryableResource, text: string): OrderBy {
  const descending = text.startsWith('-');
  const field = resolveField(resource, descending ? text.slice(1) : text);
  return { column: field.column, direction: descending ? 'desc' : 'asc' };
}
