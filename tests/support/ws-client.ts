import WebSocket from 'ws';
import { type Client, createClient } from 'graphql-ws';
import type { ApiClient } from './api-harness.js';

export interface LiveSubscription<T> {
  /** The next result, or the subscription's error, within `timeoutMs`. */
  next(timeoutMs?: number): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>;
  /** Resolves once the server acknowledged the connection (or rejects when it refused it). */
  readonly connected: Promise<void>;
  close(): Promise<void>;
}

/**
 * A graphql-ws subscription as the portal opens it: the session cookie rides on the WebSocket
 * upgrade, the CSRF token in connectionParams (pass `csrfToken: null` to leave it out).
 */
export const subscribe = <T>(
  api: { base: string },
  client: ApiClient,
  query: string,
  variables: Record<string, unknown>,
  options: { csrfToken?: string | null } = {},
): LiveSubscription<T> => {
  const cookie = ['korrigo_session', 'korrigo_csrf']
    .flatMap((name) => (client.cookie(name) ? [`${name}=${client.cookie(name)}`] : []))
    .join('; ');
  const csrfToken = options.csrfToken === undefined ? decodeURIComponent(client.cookie('korrigo_csrf') ?? '') : options.csrfToken;
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
    }
  }
  const results: Awaited<ReturnType<LiveSubscription<T>['next']>>[] = [];
  const waiters: (() => void)[] = [];
  const push = (result: Awaited<ReturnType<LiveSubscription<T>['next']>>): void => {
    results.push(result);
    waiters.splice(0).forEach((wake) => wake());
  };
  let acknowledge: () => void = () => undefined;
  let refuse: (error: unknown) => void = () => undefined;
  const connected = new Promise<void>((resolve, reject) => ((acknowledge = resolve), (refuse = reject)));
  connected.catch(() => undefined);
  const ws: Client = createClient({
    url: `${api.base.replace(/^http/, 'ws')}/api/graphql`,
    webSocketImpl: CookieWebSocket,
    connectionParams: csrfToken === null ? {} : { csrfToken },
    retryAttempts: 0,
    lazy: false,
    on: { connected: () => acknowledge(), closed: (event) => refuse(event) },
  });
  ws.subscribe<T>(
    { query, variables },
    {
      next: (value) => push(value as Awaited<ReturnType<LiveSubscription<T>['next']>>),
      error: (error) =>
        push({ errors: Array.isArray(error) ? error : [{ message: String((error as { reason?: string })?.reason ?? error) }] }),
      complete: () => undefined,
    },
  );
  return {
    connected,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no subscription result in time');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
      return results.shift()!;
    },
    close: () => ws.dispose() as Promise<void>,
  };
};
