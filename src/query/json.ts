import { type RawBuilder, sql } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/** A column of JSON text (a resource's document), and the SQL dialect that reads it. */
export interface JsonSource {
  /** The column, qualified by its table: `records.data`. */
  column: string;
  dialect: SqlDialect;
}

/**
 * One value inside a JSON document, as SQL expressions that are null unless the value has the type they read:
 * no cast is ever attempted on a value of another type, so no document makes a query fail.
 */
export interface JsonValue {
  /** The value when it is a JSON string. */
  string: RawBuilder<string | null>;
  /** The value when it is a JSON number. */
  number: RawBuilder<number | null>;
  /** `'true'` or `'false'` when the value is a JSON boolean. */
  boolean: RawBuilder<string | null>;
  /**
   * Keys to order by, in the same order on every store: numbers (numerically), then strings (by code point),
   * then false, true, and last anything else (null, absent, arrays, objects).
   */
  sortKeys: RawBuilder<unknown>[];
}

/** A property-path segment: letters, digits and underscores only, so a path never needs quoting. */
export const PATH_SEGMENT = /^[A-Za-z0-9_]+$/;

/**
 * The value at `path` (object keys, outermost first) in the source's documents. Every segment is checked
 * against PATH_SEGMENT here as well as by callers, and reaches SQL only as a bound parameter.
 */
export function jsonValue(source: JsonSource, path: readonly string[]): JsonValue {
  if (path.length === 0 || !path.every((segment) => PATH_SEGMENT.test(segment))) {
    throw new Error(`Invalid JSON property path ${JSON.stringify(path)}`);
  }
  return source.dialect === 'sqlite' ? sqliteValue(source.column, path) : postgresValue(source.column, path);
}

// SQLite's JSON1: json_type gives 'integer' | 'real' | 'text' | 'true' | 'false' | 'null' | 'array' | 'object',
// or NULL when the path is absent; json_extract gives the SQL value.
function sqliteValue(column: string, path: readonly string[]): JsonValue {
  const document = sql.ref(column);
  const at = `$.${path.join('.')}`;
  const type = sql`json_type(${document}, ${at})`;
  const value = sql`json_extract(${document}, ${at})`;
  const string = sql<string | null>`(case when ${type} = 'text' then ${value} end)`;
  const number = sql<number | null>`(case when ${type} in ('integer', 'real') then ${value} end)`;
  return {
    string,
    number,
    boolean: sql<string | null>`(case when ${type} in ('true', 'false') then ${type} end)`,
    sortKeys: [sql`(case ${type} when 'integer' then 0 when 'real' then 0 when 'text' then 1 when 'false' then 2 when 'true' then 3 else 4 end)`, number, string],
  };
}

// PostgreSQL: the text column is read as jsonb; jsonb_typeof gives 'number' | 'string' | 'boolean' | 'null' |
// 'array' | 'object', or NULL when the path is absent. `#>> '{}'` is a scalar's text.
function postgresValue(column: string, path: readonly string[]): JsonValue {
  const segments = sql.join(path.map((segment) => sql`${segment}::text`));
  const value = sql`jsonb_extract_path(${sql.ref(column)}::jsonb, ${segments})`;
  const type = sql`jsonb_typeof(${value})`;
  const string = sql<string | null>`(case when ${type} = 'string' then ${value} #>> '{}' end)`;
  const number = sql<number | null>`(case when ${type} = 'number' then (${value})::numeric end)`;
  return {
    string,
    number,
    boolean: sql<string | null>`(case when ${type} = 'boolean' then ${value} #>> '{}' end)`,
    sortKeys: [
      sql`(case ${type} when 'number' then 0 when 'string' then 1 when 'boolean' then (case when ${value} #>> '{}' = 'true' then 3 else 2 end) else 4 end)`,
      number,
      // By code point, as SQLite compares text, whatever the database's collation.
      sql`${string} collate "C"`,
    ],
  };
}
