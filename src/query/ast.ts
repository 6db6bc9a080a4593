// The syntax tree of Codat's query language, e.g. `{totalAmount>100||totalAmount<50}&&status!=paid`.

export const OPERATORS = ['=', '!=', '~', '>', '<', '>=', '<='] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Comparison {
  kind: 'comparison';
  /** A property name, dotted for sub-properties: `customerRef.id`. */
  property: string;
  operator: Operator;
  /** The value as written (unquoted, trimmed); typed against the property when compiled. */
  value: string;
}

export interface Junction {
  kind: 'and' | 'or';
  operands: QueryNode[];
}

export type QueryNode = Comparison | Junction;

/** A query the caller got wrong. The message is what the API answers with a 400. */
export class QueryError extends Error {
  override name = 'QueryError';

  constructor(detail: string) {
    super(`Error parsing query - ${detail}`);
  }
}

/** Writes a tree back as query text: parse(format(tree)) gives the same tree. */
export function formatQuery(node: QueryNode): string {
  if (node.kind === 'comparison') return `${node.property}${node.operator}${node.value}`;
  const glue = node.kind === 'and' ? '&&' : '||';
  return node.operands.map((operand) => (operand.kind === 'comparison' ? formatQuery(operand) : `{${formatQuery(operand)}}`)).join(glue);
}
