import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { ScrapeMetrics } from './scrape-metrics.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte. */
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/**
 * Prometheus scrapes (DESIGN §6, §9). Metrics tell who is active and when, so they are not public:
 * with METRICS_TOKEN set, a scraper sends `Authorization: Bearer <token>` (else 401); an admin signed
 * in to the portal may read them either way. Without METRICS_TOKEN, and for anyone but an admin, the
 * endpoint answers 404, as if it did not exist. `@Public()` only lets the GET past the global guard's
 * CSRF check, which a scraper cannot pass; both rules are checked here.
 */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(ScrapeMetrics) private readonly scrape: ScrapeMetrics,
  ) {}

  @Get()
  async metrics(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const access = this.access(req);
    if (access === 'hidden') {
      res.status(404).type('text/plain').send('Not Found\n');
      return;
    }
    if (access === 'denied') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="korrigo-metrics"');
      res.status(401).type('text/plain').send('Jeton requis : Authorization: Bearer <METRICS_TOKEN>.\n');
      return;
    }
    const text = await this.scrape.render();
    res.status(200).setHeader('Content-Type', METRICS_CONTENT_TYPE);
    res.send(text);
  }

  private access(req: Request): 'granted' | 'denied' | 'hidden' {
    const token = this.runtime.config.metricsToken;
    const bearer = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token && bearer !== undefined && sameSecret(bearer, token)) return 'granted';
    const session = (req as Request & { korrigo?: RequestContext }).korrigo?.session;
    if (session?.role === 'admin' && !session.mustChangePassword) return 'granted';
    return token ? 'denied' : 'hidden';
  }
}
