import { vi } from 'vitest';

/**
 * A stand-in for the API's /api/graphql in component and store tests: each call is answered by the
 * handler for its operation name (`query Me`, `mutation SignIn` …), and every request is recorded.
 */
export interface RecordedCall {
  readonly operation: string;
  readonly variables: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly credentials: RequestCredentials | undefined;
}
type Answer = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
type Handler = (variables: Record<string, unknown>, call: number) => Answer | Promise<Answer>;

export const graphqlError = (code: string, message = '', details?: Record<string, unknown>): Answer => ({
  errors: [{ message, extensions: { code, ...(details ? { details } : {}) } }],
});

export const stubGraphQL = (handlers: Record<string, Handler>) => {
  const calls: RecordedCall[] = [];
  const counts = new Map<string, number>();
  const fetchStub = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> };
    const operation = /(?:query|mutation|subscription)\s+(\w+)/.exec(body.query)?.[1] ?? '?';
    calls.push({
      operation,
      variables: body.variables,
      headers: { ...(init?.headers as Record<string, string>) },
      credentials: init?.credentials,
    });
    const handler = handlers[operation];
    if (!handler) throw new Error(`no stub for ${operation}`);
    const call = (counts.get(operation) ?? 0) + 1;
    counts.set(operation, call);
    return new Response(JSON.stringify(await handler(body.variables, call)), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchStub);
  return { calls, fetch: fetchStub, of: (operation: string) => calls.filter((call) => call.operation === operation) };
};
