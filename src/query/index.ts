// Codat's query language and orderBy: parsed into a tree, then compiled to parameterised SQL conditions.
export { formatQuery, OPERATORS, type Operator, QueryError, type QueryNode } from './ast.js';
export {
  compileQuery,
  type FieldType,
  type OrderBy,
  type OrderTerm,
  parseOrderBy,
  parseOrderTerm,
  type QueryableResource,
  type QueryField,
} from './compile.js';
export { type JsonSource, type SqlDialect } from './json.js';
export { MAX_QUERY_LENGTH, parseQuery } from './parse.js';
