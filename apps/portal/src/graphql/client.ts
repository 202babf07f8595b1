import type { TypedDocumentString } from './generated';
import { ApiError, type GraphQLErrorPayload, toApiError } from './errors';

/**
 * The portal's one GraphQL client (STYLE: one way to do a thing). Queries and mutations go over HTTP
 * to /api/graphql with the session cookie and the CSRF double-submit header; subscriptions go over
 * graphql-ws (live.ts). When the session has expired the call is not lost: the client asks the
 * session-expired handler to sign the person in again (a dialog over the current page, whose unsaved
 * state stays where it is) and sends the same request once more.
 */
export const CSRF_COOKIE = 'korrigo_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** False for the calls that are themselves about signing in (signIn, me). */
  readonly retryOnSessionExpiry?: boolean;
}

/** Resolves true once the same person has signed in again, false when they gave up. */
export type SessionExpiredHandler = () => Promise<boolean>;

export interface ClientOptions {
  readonly endpoint?: string;
  readonly fetch?: typeof fetch;
  readonly csrfToken?: () => string | undefined;
}

/** Variables may be left out when the operation has none. */
export type RequestArgs<V> =
  V extends Record<string, never> ? [variables?: V, options?: RequestOptions] : [variables: V, options?: RequestOptions];

export interface GraphQLClient {
  request<R, V>(document: TypedDocumentString<R, V>, ...args: RequestArgs<V>): Promise<R>;
  /** The same, with the variables as one argument (for generic callers such as useQuery). */
  execute<R, V>(document: TypedDocumentString<R, V>, variables: V | undefined, options?: RequestOptions): Promise<R>;
  onSessionExpired(handler: SessionExpiredHandler | null): void;
}

export const readCookie = (name: string, cookies: string = typeof document === 'undefined' ? '' : document.cookie): string | undefined => {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
};

export const createClient = (options: ClientOptions = {}): GraphQLClient => {
  const endpoint = options.endpoint ?? '/api/graphql';
  const csrfToken = options.csrfToken ?? (() => readCookie(CSRF_COOKIE));
  let handler: SessionExpiredHandler | null = null;
  // Several calls failing together share one dialog.
  let pendingReauth: Promise<boolean> | null = null;

  const send = async <R>(query: string, variables: unknown, signal: AbortSignal | undefined): Promise<R> => {
    const token = csrfToken();
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(endpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { [CSRF_HEADER]: token } : {}) },
        body: JSON.stringify({ query, variables: variables ?? {} }),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError('NETWORK', '');
    }
    let body: { data?: R | null; errors?: GraphQLErrorPayload[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ApiError(response.status >= 500 || response.status === 0 ? 'UNAVAILABLE' : 'INTERNAL', '');
    }
    const first = body.errors?.[0];
    if (first) throw toApiError(first);
    if (body.data === undefined || body.data === null) throw new ApiError('INTERNAL', '');
    return body.data;
  };

  const reauthenticate = (): Promise<boolean> => {
    if (!handler) return Promise.resolve(false);
    pendingReauth ??= handler().finally(() => (pendingReauth = null));
    return pendingReauth;
  };

  const execute = async <R, V>(
    document: TypedDocumentString<R, V>,
    variables: V | undefined,
    requestOptions: RequestOptions = {},
  ): Promise<R> => {
    const query = document.toString();
    try {
      return await send<R>(query, variables, requestOptions.signal);
    } catch (error) {
      const expired = error instanceof ApiError && error.code === 'UNAUTHENTICATED' && requestOptions.retryOnSessionExpiry !== false;
      if (!expired || !(await reauthenticate())) throw error;
      return send<R>(query, variables, requestOptions.signal);
    }
  };

  return {
    execute,
    request: (document, ...[variables, requestOptions]) => execute(document, variables, requestOptions),
    onSessionExpired(next) {
      handler = next;
    },
  };
};

export const client = createClient();
export const request = client.request;
