import { type Client, createClient as createWsClient } from 'graphql-ws';
import { readonly, ref } from 'vue';
import type { TypedDocumentString } from './generated';
import { CSRF_COOKIE, readCookie } from './client';
import { type ApiError, type GraphQLErrorPayload, toApiError } from './errors';

/**
 * Live updates over graphql-ws on /api/graphql (DESIGN §6). A browser cannot put headers on a
 * WebSocket upgrade, so the CSRF token rides in connectionParams, read again at every (re)connection:
 * after a re-sign-in the next attempt carries the new token. The socket reconnects without end, with
 * a capped backoff, and every subscription resumes on the new socket.
 */
export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

const status = ref<LiveStatus>('idle');
export const liveStatus = readonly(status);

const MAX_WAIT_MS = 10_000;
let socket: Client | null = null;

const url = (): string => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/graphql`;

const connect = (): Client => {
  let everConnected = false;
  return createWsClient({
    url: url(),
    lazy: true,
    keepAlive: 20_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(MAX_WAIT_MS, 500 * 2 ** retries) + Math.random() * 500)),
    connectionParams: () => ({ csrfToken: readCookie(CSRF_COOKIE) ?? '' }),
    on: {
      connecting: () => (status.value = everConnected ? 'reconnecting' : 'connecting'),
      connected: () => ((everConnected = true), (status.value = 'connected')),
      closed: () => (status.value = everConnected ? 'reconnecting' : 'idle'),
    },
  });
};

export interface LiveHandlers<R> {
  next(data: R): void;
  /** The server refused the subscription (e.g. FORBIDDEN); the socket itself keeps reconnecting. */
  error?(error: ApiError): void;
}

/** Starts a subscription; the returned function stops it. */
export const subscribe = <R, V>(document: TypedDocumentString<R, V>, variables: V, handlers: LiveHandlers<R>): (() => void) => {
  socket ??= connect();
  return socket.subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        const first = (result.errors as readonly GraphQLErrorPayload[] | undefined)?.[0];
        if (first) handlers.error?.(toApiError(first));
        else if (result.data) handlers.next(result.data as R);
      },
      error: (error) => {
        const first = Array.isArray(error) ? (error[0] as GraphQLErrorPayload | undefined) : undefined;
        handlers.error?.(toApiError(first ?? { message: '', extensions: { code: 'UNAVAILABLE' } }));
      },
      complete: () => undefined,
    },
  );
};

/** On sign-out: the socket belonged to the session that ended. */
export const closeLive = async (): Promise<void> => {
  const current = socket;
  socket = null;
  status.value = 'idle';
  await current?.dispose();
};
