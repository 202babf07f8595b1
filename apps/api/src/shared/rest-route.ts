import type { Request, Response } from 'express';
import { CSRF_HEADER, type RequestContext } from '../auth/request-context.js';
import type { Session } from '../auth/sessions.js';
import { sendError } from '../files/send-image.js';
import { ApiError, type ApiErrorCode, HTTP_STATUS, toApiError } from './errors.js';

export interface RestRouteOptions {
  /** Prefix of the log line for an unexpected failure, e.g. "files". */
  readonly tag: string;
  /** Only these roles pass (403 for the others); all signed-in roles when absent. */
  readonly roles?: readonly Session['role'][];
  /** Require the CSRF header: for a GET that writes more than an audit line (an <img> cannot send it). */
  readonly csrf?: boolean;
}

/**
 * The REST routes (file downloads, exports) are `@Public()` for the global guard so that every
 * refusal leaves in one shape, `{ error, message }` with its HTTP status, instead of a GraphQL error:
 * the session, the forced password change, the role and (when asked) the CSRF header are checked
 * here, on each request. Errors thrown by `handle` are mapped like GraphQL's (errors.ts); a client
 * that went away mid-stream is not an error.
 */
export const restRoute = async (
  req: Request,
  res: Response,
  options: RestRouteOptions,
  handle: (session: Session) => Promise<void>,
): Promise<void> => {
  try {
    const session = (req as Request & { korrigo?: RequestContext }).korrigo?.session;
    if (!session) return sendError(res, 401, 'UNAUTHENTICATED', 'Connectez-vous d’abord.');
    if (session.mustChangePassword) return sendError(res, 403, 'FORBIDDEN', 'Changez d’abord votre mot de passe.');
    if (options.csrf && req.headers[CSRF_HEADER] !== session.csrfToken) {
      return sendError(res, 403, 'FORBIDDEN', 'Jeton CSRF absent ou erroné.');
    }
    if (options.roles && !options.roles.includes(session.role)) {
      return sendError(res, 403, 'FORBIDDEN', 'Réservé au secrétariat des examens.');
    }
    await handle(session);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    const mapped = error instanceof ApiError ? { code: error.extensions.code as ApiErrorCode, message: error.message } : toApiError(error);
    const status = HTTP_STATUS[mapped.code] ?? 500;
    if (status >= 500)
      process.stderr.write(`[${options.tag}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (res.headersSent) res.destroy();
    else sendError(res, status, mapped.code, mapped.code === 'INTERNAL_SERVER_ERROR' ? 'Erreur interne.' : mapped.message);
  }
};
