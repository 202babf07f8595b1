import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SessionStore } from './sessions.js';
import { type RequestContext, SESSION_COOKIE, clientAddress, readCookie } from './request-context.js';

/** Loads the caller's session once per request; GraphQL and REST handlers read it from `req.korrigo`. */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(@Inject(SessionStore) private readonly sessions: SessionStore) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const token = readCookie(req, SESSION_COOKIE);
      const session = token ? await this.sessions.find(token) : null;
      const context: RequestContext = { req, res, session: session && token ? { ...session, token } : null, address: clientAddress(req) };
      (req as Request & { korrigo: RequestContext }).korrigo = context;
      next();
    } catch (error) {
      next(error);
    }
  }
}
