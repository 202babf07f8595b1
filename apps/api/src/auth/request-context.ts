import type { Request, Response } from 'express';
import type { Session } from './sessions.js';

/** What every resolver receives: the HTTP exchange and the caller's session, if any. */
export interface RequestContext {
  readonly req: Request;
  readonly res: Response;
  session: (Session & { readonly token: string }) | null;
  readonly address: string;
}

export const SESSION_COOKIE = 'korrigo_session';
export const CSRF_COOKIE = 'korrigo_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const readCookie = (req: Request, name: string): string | undefined => {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
};

/** The client address as the socket saw it (behind a proxy, set TRUST_PROXY and read X-Forwarded-For there). */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
