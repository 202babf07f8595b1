import { buildSchema, parse, validate } from 'graphql';
import { queryLimitRules } from './graphql-limits.js';

const schema = buildSchema(`
  type Node { id: ID! name: String! children: [Node!]! parent: Node }
  type Query { node: Node nodes: [Node!]! }
`);
const limits = { maxDepth: 4, maxAliases: 3, maxCost: 200, listFactor: 10 };
const errorsOf = (query: string): string[] => validate(schema, parse(query), queryLimitRules(limits)).map((e) => e.message);

describe('query limits', () => {
  it('accepts a query within every limit', () => {
    expect(errorsOf('{ node { id parent { id parent { id } } } }')).toEqual([]);
  });

  it('refuses a query deeper than the limit', () => {
    expect(errorsOf('{ node { parent { parent { parent { parent { id } } } } } }')).toEqual([expect.stringMatching(/too deep: 6 levels/)]);
  });

  it('counts depth through fragments and inline fragments', () => {
    const query = 'fragment P on Node { parent { parent { id } } } { node { parent { ... on Node { ...P } } } }';
    expect(errorsOf(query)).toEqual([expect.stringMatching(/too deep/)]);
  });

  it('refuses more aliases than the limit', () => {
    expect(errorsOf('{ a: node { id } b: node { id } c: node { id } d: node { id } }')).toEqual([
      expect.stringMatching(/Too many aliases: 4/),
    ]);
  });

  it('multiplies the cost of lists by the list factor', () => {
    expect(errorsOf('{ node { children { id } } }')).toEqual([]); // 1 + (1 + 10 × 1) = 12
    expect(errorsOf('{ nodes { children { id name } } }')).toEqual([expect.stringMatching(/cost 211 \(limit 200\)/)]); // 1 + 10 × (1 + 10 × 2)
  });

  it('refuses a query whose nested lists cost too much', () => {
    expect(errorsOf('{ nodes { children { children { id } } } }')).toEqual([expect.stringMatching(/too expensive/)]);
  });
});
