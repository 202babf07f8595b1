import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { forbidden, unauthenticated } from '../shared/errors.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';
import { CSRF_HEADER, type RequestContext } from './request-context.js';
import type { SessionRole } from './sessions.js';

/**
 * Deny by default: an operation without @Roles or @Public is refused, so a new resolver cannot
 * escape authorisation by omission. Also enforces CSRF (double submit) for every call made with a
 * session cookie, and the forced password change.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<SessionRole[] | undefined>(ROLES_KEY, targets);
    if (!roles) throw forbidden('This operation declares no roles: refused');
    const ctx = this.requestContext(context);
    const session = ctx?.session;
    if (!session) throw unauthenticated();
    if (ctx.req.headers[CSRF_HEADER] !== session.csrfToken) throw forbidden('Missing or wrong CSRF token');
    if (session.mustChangePassword && !this.reflector.getAllAndOverride<boolean>('korrigo:allowBeforePasswordChange', targets)) {
      throw forbidden('Change your password first');
    }
    if (!roles.includes(session.role)) throw forbidden();
    return true;
  }

  private requestContext(context: ExecutionContext): RequestContext | undefined {
    if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<RequestContext>();
    return (context.switchToHttp().getRequest() as { korrigo?: RequestContext }).korrigo;
  }
}
