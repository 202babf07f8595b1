import type { NextFunction, Request, Response } from 'express';
import { graphqlOperations } from './graphql-metrics.js';
import { metrics, oneOf } from './metrics.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const GRAPHQL_PATH = '/api/graphql';

/**
 * The route as declared (`/api/files/pages/:pageId`), never the URL: ids in a label would make one
 * series per copy. GraphQL is mounted as middleware (no Express route); anything else that matched no
 * route is `unmatched`.
 */
const routeOf = (req: Request): string => {
  const declared = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof declared === 'string') return `${req.baseUrl}${declared}`;
  return req.originalUrl.split('?', 1)[0] === GRAPHQL_PATH ? GRAPHQL_PATH : 'unmatched';
};

/** Counts and times every request once its answer is over (or the client went away: `aborted`). */
export const httpMetrics = (req: Request, res: Response, next: NextFunction): void => {
  const started = process.hrtime.bigint();
  let recorded = false;
  const record = (status: string): void => {
    if (recorded) return;
    recorded = true;
    const method = oneOf(req.method, METHODS);
    const route = routeOf(req);
    const operation = route === GRAPHQL_PATH ? (graphqlOperations.get(req) ?? 'none') : '';
    metrics.httpRequests.inc({ method, route, operation, status });
    metrics.httpDuration.observe({ method, route, operation }, Number(process.hrtime.bigint() - started) / 1e9);
  };
  res.once('finish', () => record(String(res.statusCode)));
  res.once('close', () => record('aborted'));
  next();
};
