import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { Public } from '../auth/roles.decorator.js';

@Public()
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  /** The process answers. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The store answers and every projection is caught up within READY_MAX_LAG_SECONDS. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<object> {
    const maxLag = this.runtime.config.readyMaxLagSeconds;
    try {
      const [head, projections, blobError] = await Promise.all([this.runtime.store.head(), this.runner.status(), this.probeBlobs()]);
      const lagging = projections.filter((p) => !p.running || p.lagSeconds > maxLag).map((p) => p.name);
      const ok = lagging.length === 0 && blobError === null;
      response.status(ok ? 200 : 503);
      const reasons = [
        ...(lagging.length === 0 ? [] : [`projections behind by more than ${maxLag}s or not running: ${lagging.join(', ')}`]),
        ...(blobError === null ? [] : [blobError]),
      ];
      return {
        status: ok ? 'ready' : 'not ready',
        store: { kind: this.runtime.store.kind, reachable: true, hasEvents: head !== null },
        ...(this.runtime.blobs.probe ? { blobs: { kind: 's3', reachable: blobError === null } } : {}),
        projections: projections.map((p) => ({ name: p.name, running: p.running, caughtUp: p.caughtUp, lagSeconds: p.lagSeconds })),
        ...(ok ? {} : { reason: reasons.join('; ') }),
      };
    } catch (error) {
      response.status(503);
      return {
        status: 'not ready',
        store: { kind: this.runtime.store.kind, reachable: false },
        reason: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** A remote blob store (S3) answers with these credentials: null when it does, or has nothing to probe. */
  private async probeBlobs(): Promise<string | null> {
    try {
      await this.runtime.blobs.probe?.();
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
