import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatQuery, OPERATORS, parseQuery, QueryError, type QueryNode } from '../../src/query/index.js';

describe('parseQuery', () => {
  it('reads the examples of Codat’s docs', () => {
    expect(parseQuery('status!=Complete&&status!=NotSupported')).toEqual({
      kind: 'and',
      operands: [
        { kind: 'comparison', property: 'status', operator: '!=', value: 'Complete' },
        { kind: 'comparison', property: 'status', operator: '!=', value: 'NotSupported' },
      ],
    });
    expect(parseQuery('{totalAmount > 100 || totalAmount < 50} && status != paid')).toEqual({
      kind: 'and',
      operands: [
        {
          kind: 'or',
          operands: [
            { kind: 'comparison', property: 'totalAmount', operator: '>', value: '100' },
            { kind: 'comparison', property: 'totalAmount', operator: '<', value: '50' },
          ],
        },
        { kind: 'comparison', property: 'status', operator: '!=', value: 'paid' },
      ],
    });
    expect(parseQuery('metadata.isDeleted!=true')).toMatchObject({ property: 'metadata.isDeleted', operator: '!=', value: 'true' });
    expect(parseQuery('modifiedDate>=2022-08-23')).toMatchObject({ operator: '>=', value: '2022-08-23' });
    expect(parseQuery('dataType=banking-accounts')).toMatchObject({ value: 'banking-accounts' });
  });

  it.each([
    ['', 'expected a property name'],
    ['status', 'expected an operator'],
    ['status=', 'expected a value'],
    ['a=1&&b=2||c=3', 'mixed without braces'],
    ['{a=1', 'missing }'],
    ['a=1}', 'unmatched }'],
    ['a=1&&', 'expected a property name'],
    ['=x', 'expected a property name'],
    ['x'.repeat(2049), 'shorter than 2048'],
  ])('rejects %j with a 400-ready message (%s)', (text, detail) => {
    expect(() => parseQuery(text)).toThrow(QueryError);
    expect(() => parseQuery(text)).toThrow(detail);
    expect(() => parseQuery(text)).toThrow(/^Error parsing query - /);
  });

  it('only ever returns a tree or throws QueryError, whatever the text', () => {
    const alphabet = fc.constantFrom(...'ab.{}=!~<>&| 12-_:T'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join(''))), (text) => {
        try {
          parseQuery(text);
        } catch (error) {
          expect(error).toBeInstanceOf(QueryError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back what formatQuery writes', () => {
    const comparison = fc.record({
      kind: fc.constant('comparison' as const),
      property: fc.stringMatching(/^[a-z][A-Za-z0-9]{0,6}(\.[a-z][A-Za-z0-9]{0,4})?$/),
      operator: fc.constantFrom(...OPERATORS),
      // Values cannot hold &&, || or }, and are trimmed; an operator-like start would be read as the operator.
      value: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .:_-]{0,10}[A-Za-z0-9]$|^[A-Za-z0-9]$/),
    });
    const tree: fc.Arbitrary<QueryNode> = fc.letrec<{ node: QueryNode }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        comparison,
        fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), operands: fc.array(tie('node'), { minLength: 2, maxLength: 3 }) }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (node) => {
        expect(parseQuery(formatQuery(node))).toEqual(node);
      }),
      { numRuns: 1000 },
    );
  });
});

