import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../auth/request-context.js';
import { metrics, oneOf } from './metrics.js';

/** The codes the API sends (shared/errors.ts) and Apollo's own; any other is counted as `other`. */
const CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
] as const;

/** The GraphQL operation of an HTTP request, for the HTTP metrics' `operation` label (http-metrics.ts). */
export const graphqlOperations = new WeakMap<object, string>();

/**
 * Names an operation by its first root field (`signIn`, `examCopies`): the client's operation name is
 * free text, a root field is one of the schema's, since validation has passed by then.
 */
export const rootFieldOf = (operation: OperationDefinitionNode): string => {
  const first = operation.selectionSet.selections[0];
  return first?.kind === 'Field' ? first.name.value : 'fragment';
};

export const graphqlMetricsPlugin = (): ApolloServerPlugin<RequestContext> => ({
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ operation, contextValue }) => {
        if (operation) graphqlOperations.set(contextValue.req, rootFieldOf(operation));
        return Promise.resolve();
      },
    }),
});

/** Wraps Apollo's formatError: counts each error by the code the client finally reads. */
export const countingErrors =
  (format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) =>
  (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    metrics.graphqlErrors.inc({ code: oneOf(String(result.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), CODES) });
    return result;
  };
