import { type GraphQLResolveInfo, buildSchema, graphql } from 'graphql';
import { selectedFields } from './selection.js';

/** A real graphql-js execution: the resolver reports what the query selected on its result. */
const selectionOf = async (query: string): Promise<string[]> => {
  const schema = buildSchema(`
    type Annotation { annotationId: ID! }
    type Copy { copyId: ID! revision: Int! annotations: [Annotation!]! scores: [Int!]! }
    type Query { copy: Copy! }`);
  let seen: string[] = [];
  const result = await graphql({
    schema,
    source: query,
    rootValue: {
      copy: (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
        seen = [...selectedFields(info)].sort();
        return { copyId: 'c1', revision: 3, annotations: [], scores: [] };
      },
    },
  });
  expect(result.errors).toBeUndefined();
  return seen;
};

describe('the fields a query selects on a result', () => {
  it('are the fields it names, aliases resolved to their field', async () => {
    expect(await selectionOf('{ copy { copyId rev: revision } }')).toEqual(['copyId', 'revision']);
  });
  it('follow fragment spreads and inline fragments', async () => {
    const query = '{ copy { ...Marks ... on Copy { annotations { annotationId } } } } fragment Marks on Copy { scores }';
    expect(await selectionOf(query)).toEqual(['annotations', 'scores']);
  });
});
