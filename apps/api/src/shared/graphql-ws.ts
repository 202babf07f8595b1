import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { GraphQLError, Kind, type GraphQLSchema, type DocumentNode, parse, specifiedRules, validate } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { GraphQLWsSubscriptionsConfig, SubscriptionConfig } from '@nestjs/graphql';
import { SessionStore } from '../auth/sessions.js';
import { CSRF_HEADER, type RequestContext, SESSION_COOKIE, readCookie } from '../auth/request-context.js';
import type { Runtime } from '../runtime/runtime.js';
import { queryLimitRules } from './graphql-limits.js';
import { formatError } from './errors.js';

type Extra = { readonly request: IncomingMessage };
type Params = { csrfToken?: unknown } | undefined;

/**
 * Subscriptions over graphql-ws on /api/graphql (DESIGN §6). The WebSocket upgrade carries the
 * session cookie; a browser cannot add headers to it, so the portal sends its CSRF token in
 * `connectionParams.csrfToken` (double submit, as for HTTP): a page on another site cannot read it.
 * Each subscription's context is built like an HTTP request's, so the same RolesGuard decides, on
 * a session read again at every subscribe (a signed-out session stops subscribing). Only
 * subscriptions go over the socket; queries and mutations stay on HTTP.
 * `context` and `validate` reach graphql-ws too: GqlSubscriptionService spreads these options over its
 * own when it calls useServer, though Nest's type names fewer of them.
 */
export const graphqlWsSubscriptions = (runtime: Runtime): SubscriptionConfig => {
  const sessions = new SessionStore(runtime.pool);
  const development = runtime.config.env === 'development';
  const format = formatError(development, (error) =>
    process.stderr.write(`[graphql-ws] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
  );
  const csrfOf = (ctx: WsContext<Params, Extra>): string | undefined =>
    typeof ctx.connectionParams?.csrfToken === 'string' ? ctx.connectionParams.csrfToken : undefined;
  const sessionOf = async (request: IncomingMessage) => {
    const token = readCookie(request as Request, SESSION_COOKIE);
    const session = token ? await sessions.find(token) : null;
    return session && token ? { ...session, token } : null;
  };
  const options = {
    path: '/api/graphql',
    onConnect: async (ctx: WsContext<Params, Extra>): Promise<boolean> => {
      const session = await sessionOf(ctx.extra.request);
      return session !== null && csrfOf(ctx) === session.csrfToken;
    },
    onSubscribe: (_ctx: WsContext<Params, Extra>, _id: string, payload: { query: string }): readonly GraphQLError[] | void => {
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch {
        return; // graphql-ws reports the syntax error itself
      }
      const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
      if (operations.some((operation) => operation.operation !== 'subscription')) {
        return [
          new GraphQLError('Only subscriptions go over the WebSocket: send queries and mutations over HTTP', {
            extensions: { code: 'BAD_USER_INPUT' },
          }),
        ];
      }
    },
    validate: (schema: GraphQLSchema, document: DocumentNode) => validate(schema, document, [...specifiedRules, ...queryLimitRules()]),
    context: async (ctx: WsContext<Params, Extra>): Promise<RequestContext> => {
      const request = ctx.extra.request;
      const req = Object.assign(Object.create(request) as Request, { headers: { ...request.headers, [CSRF_HEADER]: csrfOf(ctx) } });
      return { req, res: undefined as never, session: await sessionOf(request), address: request.socket.remoteAddress ?? 'unknown' };
    },
    onNext: (
      _ctx: unknown,
      _id: string,
      _payload: unknown,
      _args: unknown,
      result: { data?: unknown; errors?: readonly GraphQLError[] },
    ) => (result.errors ? { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) } : undefined),
  };
  return { 'graphql-ws': options as unknown as GraphQLWsSubscriptionsConfig };
};
