import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, type DomainErrorCode } from '#domain';
import { EventStoreError } from '#event-store';

/** The API's error codes (DESIGN §6): every error leaves with one of them in `extensions.code`. */
export type ApiErrorCode =
  'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE' | 'INTERNAL_SERVER_ERROR';

const FROM_DOMAIN: Record<DomainErrorCode, ApiErrorCode> = {
  VALIDATION: 'BAD_USER_INPUT',
  ILLEGAL_STATE: 'CONFLICT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
};

export class ApiError extends GraphQLError {
  constructor(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code, ...(details ? { details } : {}) } });
  }
}

export const unauthenticated = (message = 'Sign in first'): ApiError => new ApiError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You may not do this'): ApiError => new ApiError('FORBIDDEN', message);
export const notFound = (message: string): ApiError => new ApiError('NOT_FOUND', message);
export const badInput = (message: string, details?: Record<string, unknown>): ApiError => new ApiError('BAD_USER_INPUT', message, details);

/** Maps what resolvers throw to coded errors: the one place where domain and store errors meet the API. */
/** The HTTP status of each code, for the REST routes (GraphQL answers 200 with `extensions.code`). */
export const HTTP_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export const toApiError = (error: unknown): { code: ApiErrorCode; message: string; details?: Record<string, unknown> } => {
  if (error instanceof DomainError) return { code: FROM_DOMAIN[error.code], message: error.message, details: { ...error.details } };
  if (error instanceof EventStoreError) {
    if (error.code === 'CONFLICT') return { code: 'CONFLICT', message: 'Someone else changed this at the same time: reload and try again' };
    if (error.code === 'NOT_FOUND') return { code: 'NOT_FOUND', message: error.message };
    return { code: 'UNAVAILABLE', message: 'The event store is unavailable: try again shortly' };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error' };
};

const KNOWN = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo's formatError: keeps coded errors, maps domain/store errors, and hides anything else
 * (no stack, no internal message) outside development.
 */
export const formatError =
  (development: boolean, log: (error: unknown) => void) =>
  (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
    if (typeof code === 'string' && KNOWN.has(code) && !(original instanceof DomainError) && !(original instanceof EventStoreError)) {
      return development
        ? formatted
        : {
            message: formatted.message,
            locations: formatted.locations,
            path: formatted.path,
            extensions: { code, ...(formatted.extensions?.details ? { details: formatted.extensions.details } : {}) },
          };
    }
    const mapped = toApiError(original);
    if (mapped.code === 'INTERNAL_SERVER_ERROR' || mapped.code === 'UNAVAILABLE') log(original);
    return {
      message:
        mapped.code === 'INTERNAL_SERVER_ERROR' && development
          ? `${mapped.message}: ${String((original as Error)?.message ?? original)}`
          : mapped.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: mapped.code,
        ...(mapped.details ? { details: mapped.details } : {}),
        ...(development && formatted.extensions?.stacktrace ? { stacktrace: formatted.extensions.stacktrace } : {}),
      },
    };
  };
