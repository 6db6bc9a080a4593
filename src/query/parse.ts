import { type Comparison, type Operator, QueryError, type QueryNode } from './ast.js';

export const MAX_QUERY_LENGTH = 2048;

const PROPERTY = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
// Longest first, so `!=`, `>=`, `<=` win over `=`, `>`, `<`.
const OPERATOR = /!=|>=|<=|=|~|>|</y;

/**
 * Parses a query into a tree. Grammar:
 *   query      := term (('&&' term)* | ('||' term)*)      mixing && and || needs braces, as Codat's docs say
 *   term       := '{' query '}' | comparison
 *   comparison := property operator value                 value: up to the next &&, || or }, trimmed
 * Throws only QueryError.
 */
export function parseQuery(text: string): QueryNode {
  if (text.length > MAX_QUERY_LENGTH) throw new QueryError(`Malformed query. A query must be shorter than ${MAX_QUERY_LENGTH} characters.`);
  const parser = new Parser(text);
  const node = parser.query();
  parser.skipSpaces();
  if (!parser.atEnd()) throw parser.error(parser.peek() === '}' ? 'an unmatched }' : 'unexpected text');
  return node;
}

class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  query(): QueryNode {
    const first = this.term();
    const operands = [first];
    let junction: '&&' | '||' | undefined;
    for (;;) {
      this.skipSpaces();
      const next = this.text.startsWith('&&', this.position) ? '&&' : this.text.startsWith('||', this.position) ? '||' : undefined;
      if (!next) break;
      if (junction && junction !== next) throw this.error('&& and || mixed without braces; group with { }');
      junction = next;
      this.position += 2;
      operands.push(this.term());
    }
    return junction ? { kind: junction === '&&' ? 'and' : 'or', operands } : first;
  }

  private term(): QueryNode {
    this.skipSpaces();
    if (this.peek() === '{') {
      this.position++;
      const inner = this.query();
      this.skipSpaces();
      if (this.peek() !== '}') throw this.error('a missing }');
      this.position++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Comparison {
    const property = this.match(PROPERTY);
    if (!property) throw this.error('expected a property name');
    this.skipSpaces();
    const operator = this.match(OPERATOR) as Operator | undefined;
    if (!operator) throw this.error(`expected an operator (= != ~ > < >= <=) after ${property}`);
    const start = this.position;
    while (!this.atEnd() && !this.text.startsWith('&&', this.position) && !this.text.startsWith('||', this.position) && this.peek() !== '}') {
      this.position++;
    }
    const value = this.text.slice(start, this.position).trim();
    if (!value) throw this.error(`expected a value after ${property}${operator}`);
    return { kind: 'comparison', property, operator, value };
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text)?.[0];
    if (found) this.position += found.length;
    return found;
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position++;
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  error(what: string): QueryError {
    return new QueryError(`Malformed query. At position ${this.position + 1}: ${what}.`);
  }
}
