// The query compiler's SQL, for both dialects, without a database: column fields as before, JSON properties
// through bound paths, and the errors a caller gets for queries that cannot be compiled.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type SqlBool,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { compileQuery, parseOrderBy, parseOrderTerm, parseQuery, QueryError, type QueryableResource, type SqlDialect } from '../../src/query/index.js';
import type { Database } from '../../src/store/index.js';
import { recordFields } from '../../src/store/records.js';

const dbs: Record<SqlDialect, Kysely<Database>> = {
  sqlite: new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

function where(dialect: SqlDialect, query: string) {
  const filter: RawBuilder<SqlBool> = compileQuery(recordFields(dialect), parseQuery(query));
  const { sql, parameters } = dbs[dialect].selectFrom('records').select('records.source_id').where(filter).compile();
  return { sql: sql.slice(sql.indexOf(' where ') + 7), parameters };
}

const columnsOnly: QueryableResource = {
  name: 'Dataset',
  fields: {
    status: { column: 'pull_operations.status', type: 'string' },
    progress: { column: 'pull_operations.progress', type: 'number' },
    requested: { column: 'pull_operations.requested_at', type: 'date' },
  },
};

describe('compileQuery on records (JSON documents)', () => {
  it('reads a nested property through a bound path on SQLite', () => {
    const { sql, parameters } = where('sqlite', 'customerRef.id=cus-000001');
    expect(sql).toBe(`(case when json_type("records"."data", ?) = 'text' then json_extract("records"."data", ?) end) = ?`);
    expect(parameters).toEqual(['$.customerRef.id', '$.customerRef.id', 'cus-000001']);
  });

  it('reads a nested property through bound path segments on PostgreSQL', () => {
    const { sql, parameters } = where('postgres', 'customerRef.id=cus-000001');
    expect(sql).toBe(
      `(case when jsonb_typeof(jsonb_extract_path("records"."data"::jsonb, $1::text, $2::text)) = 'string' ` +
        `then jsonb_extract_path("records"."data"::jsonb, $3::text, $4::text) #>> '{}' end) = $5`,
    );
    expect(parameters).toEqual(['customerRef', 'id', 'customerRef', 'id', 'cus-000001']);
  });

  it('compares a number literal numerically, guarding the cast by the JSON type on PostgreSQL', () => {
    const { sql, parameters } = where('postgres', 'totalAmount>100.5');
    expect(sql).toBe(
      `(case when jsonb_typeof(jsonb_extract_path("records"."data"::jsonb, $1::text)) = 'number' ` +
        `then (jsonb_extract_path("records"."data"::jsonb, $2::text))::numeric end) > $3`,
    );
    expect(parameters).toEqual(['totalAmount', 'totalAmount', 100.5]);
  });

  it('lets = with a number also match a string of that text', () => {
    const { sql, parameters } = where('sqlite', 'nominalCode=1200');
    expect(sql).toMatch(/^\(\(case when json_type\("records"\."data", \?\) in \('integer', 'real'\) .* = \? or \(case when .* = 'text' .* = \?\)$/);
    expect(parameters.filter((p) => p !== '$.nominalCode')).toEqual([1200, '1200']);
  });

  it('compares a YYYY-MM-DD literal as a whole day of a date string', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { sql, parameters } = where(dialect, 'issueDate=2026-01-01');
      expect(sql).toContain(`like '____-__-__%'`);
      expect(parameters.filter((p) => typeof p === 'string' && p.startsWith('20'))).toEqual(['2026-01-01', '2026-01-02']);
    }
  });

  it('maps Sluice’s own fields to columns', () => {
    expect(where('sqlite', 'id=inv-1')).toEqual({ sql: '"records"."source_id" = ?', parameters: ['inv-1'] });
    expect(where('postgres', 'modifiedDate>2024-05-01')).toEqual({ sql: '"records"."updated_at" >= $1', parameters: ['2024-05-02'] });
    expect(where('postgres', 'sourceModifiedDate<2024-05-01')).toEqual({ sql: '"records"."source_modified_date" < $1', parameters: ['2024-05-01'] });
    expect(where('sqlite', 'metadata.isDeleted!=true')).toEqual({ sql: '"records"."is_deleted" <> ?', parameters: [1] });
    expect(where('sqlite', 'metadata.isDeleted=false')).toEqual({ sql: '"records"."is_deleted" = ?', parameters: [0] });
  });

  it('never puts query text into SQL: every value and path is a parameter', () => {
    const nasty = `name'); drop table records; --`;
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { sql, parameters } = where(dialect, `a.b_1.C2=${nasty}||note~${nasty}`);
      expect(sql).not.toContain('drop');
      expect(sql).not.toContain('b_1');
      expect(parameters).toContain(nasty);
    }
  });

  it.each([
    ['status>Paid', 'Operator > cannot be used with status>Paid'],
    ['status<=abc', 'compares numbers (e.g. 100) and dates (YYYY-MM-DD) only'],
    ['issueDate>2023-02-30', 'Operator > cannot be used'],
    ['metadata.isDeleted=yes', 'metadata.isDeleted is a boolean'],
    ['metadata.isDeleted~true', 'Operator ~ cannot be used with metadata.isDeleted'],
    ['modifiedDate=yesterday', 'modifiedDate is a date'],
    ['id>5', 'Operator > cannot be used with id, a string'],
    [`${Array.from({ length: 17 }, () => 'a').join('.')}=1`, 'Could not resolve property'],
  ])('rejects %j', (query, message) => {
    expect(() => compileQuery(recordFields('sqlite'), parseQuery(query))).toThrow(QueryError);
    expect(() => compileQuery(recordFields('sqlite'), parseQuery(query))).toThrow(message);
  });
});

describe('compileQuery on column-only resources', () => {
  it('still refuses unknown properties, dotted or not', () => {
    for (const query of ['isCompleted=true', 'customerRef.id=1', 'metadata.isDeleted=true']) {
      expect(() => compileQuery(columnsOnly, parseQuery(query))).toThrow('Could not resolve property');
    }
  });

  it('compiles columns as before', () => {
    const compiled = dbs.sqlite.selectFrom('pull_operations').select('id').where(compileQuery(columnsOnly, parseQuery('status!=Complete&&progress>=50'))).compile();
    expect(compiled.sql).toContain(`("pull_operations"."status" <> ? and "pull_operations"."progress" >= ?)`);
    expect(compiled.parameters).toEqual(['Complete', 50]);
    expect(parseOrderBy(columnsOnly, '-requested')).toEqual({ column: 'pull_operations.requested_at', direction: 'desc' });
    expect(() => parseOrderBy(columnsOnly, 'totalAmount')).toThrow('Could not resolve property totalAmount on Dataset');
  });
});

describe('parseOrderTerm', () => {
  function orderBy(dialect: SqlDialect, text: string) {
    const term = parseOrderTerm(recordFields(dialect), text);
    let query = dbs[dialect].selectFrom('records').select('records.source_id');
    for (const key of term.keys) query = query.orderBy(key, term.direction);
    const { sql, parameters } = query.compile();
    return { sql: sql.slice(sql.indexOf(' order by ') + 10), parameters };
  }

  it('orders by a JSON property: type, then number, then string', () => {
    const { sql, parameters } = orderBy('sqlite', '-customerRef.id');
    expect(sql.match(/ desc/g)).toHaveLength(3);
    expect(sql).toMatch(/^\(case json_type\("records"\."data", \?\) when 'integer' then 0 /);
    expect(new Set(parameters)).toEqual(new Set(['$.customerRef.id']));
    expect(orderBy('postgres', 'totalAmount').sql).toContain('collate "C" asc');
  });

  it('orders by a column with nulls last', () => {
    expect(orderBy('sqlite', 'sourceModifiedDate').sql).toBe(
      `(case when "records"."source_modified_date" is null then 1 else 0 end) asc, "records"."source_modified_date" asc`,
    );
  });

  it.each(['', '-', '--totalAmount', 'a..b', 'a-b', 'lineItems[0]', "a'b", 'a b'])('rejects %j', (text) => {
    expect(() => parseOrderTerm(recordFields('postgres'), text)).toThrow(QueryError);
  });
});
