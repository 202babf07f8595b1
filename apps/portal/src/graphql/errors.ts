/**
 * The API's error codes (DESIGN §6) as the portal sees them, plus the two failures that never reach
 * the API's error mapping: the network, and an answer that is not GraphQL.
 */
export type ApiErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'CONFLICT' | 'NOT_FOUND' | 'UNAVAILABLE' | 'INTERNAL' | 'NETWORK';

export interface GraphQLErrorPayload {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly details?: Record<string, unknown> };
}

const KNOWN: ReadonlySet<string> = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'CONFLICT', 'NOT_FOUND', 'UNAVAILABLE']);
/** Apollo's own refusals of a malformed request: the portal's fault, reported as input errors. */
const REQUEST_REFUSALS: ReadonlySet<string> = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    /** The server's own words (French for people, English for programming errors), or empty. */
    readonly serverMessage: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${code}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'ApiError';
  }

  /** Seconds before another sign-in attempt is allowed, when the sign-in was rate-limited. */
  get retryAfterSeconds(): number | undefined {
    const value = this.details.retryAfterSeconds;
    return typeof value === 'number' && value > 0 ? value : undefined;
  }

  /** The question, line or student the server named in its refusal, when it did. */
  detail(name: string): string | undefined {
    const value = this.details[name];
    return typeof value === 'string' ? value : undefined;
  }
}

export const toApiError = (error: GraphQLErrorPayload): ApiError => {
  const code = error.extensions?.code ?? '';
  const mapped: ApiErrorCode = KNOWN.has(code) ? (code as ApiErrorCode) : REQUEST_REFUSALS.has(code) ? 'BAD_USER_INPUT' : 'INTERNAL';
  return new ApiError(mapped, error.message ?? '', error.extensions?.details ?? {});
};

export const isApiError = (error: unknown, code?: ApiErrorCode): error is ApiError =>
  error instanceof ApiError && (code === undefined || error.code === code);
