import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * Serves the built portal (apps/portal/dist) on the API's origin. Only the portal's own bundle is
 * served this way; user files (scans, PDFs) only ever go through authorised routes.
 */
export const servePortal = (app: NestExpressApplication): boolean => {
  const dist = path.resolve('apps/portal/dist');
  if (!existsSync(path.join(dist, 'index.html'))) return false;
  app.useStaticAssets(dist, { index: false, maxAge: '1h', immutable: false });
  const index = path.join(dist, 'index.html');
  // Deep links (/admin/…, /correcteur/…, /eleve/…) load the single-page app; /metrics is Prometheus's.
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || request.path.startsWith('/api/') || request.path === '/metrics') return next();
    response.sendFile(index);
  });
  return true;
};
