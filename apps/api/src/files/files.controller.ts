import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { FileAccess, type FileGrant } from './file-access.js';
import { FILES_ROUTE } from './file-urls.js';
import { sendError, sendImage } from './send-image.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authorised image downloads (DESIGN §6, §10). `@Public()` only lets the request past the global
 * guard's CSRF check, which a GET from an <img> cannot pass (it sends no header): these reads change
 * nothing and the session cookie is SameSite=strict. The session and every ownership rule are
 * checked here, on each request (FileAccess).
 */
@Public()
@Controller(FILES_ROUTE)
export class FilesController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(FileAccess) private readonly access: FileAccess,
  ) {}

  @Get('pages/:pageId')
  async page(@Req() req: Request, @Res() res: Response, @Param('pageId') pageId: string): Promise<void> {
    await this.serve(req, res, (session) => (pageId.length <= 200 ? this.access.page(session, pageId) : Promise.resolve(null)));
  }

  @Get('copies/:copyId/header')
  async header(@Req() req: Request, @Res() res: Response, @Param('copyId') copyId: string): Promise<void> {
    const session = (req as Request & { korrigo?: RequestContext }).korrigo?.session;
    // The header shows the student's name: a corrector or a student is refused outright.
    if (session && session.role !== 'admin') return sendError(res, 403, 'FORBIDDEN', 'Réservé au secrétariat des examens.');
    await this.serve(req, res, (admin) => (UUID.test(copyId) ? this.access.header(admin, copyId.toLowerCase()) : Promise.resolve(null)));
  }

  private async serve(
    req: Request,
    res: Response,
    grantFor: (session: NonNullable<RequestContext['session']>) => Promise<FileGrant | null>,
  ): Promise<void> {
    try {
      const session = (req as Request & { korrigo?: RequestContext }).korrigo?.session;
      if (!session) return sendError(res, 401, 'UNAUTHENTICATED', 'Connectez-vous d’abord.');
      if (session.mustChangePassword) return sendError(res, 403, 'FORBIDDEN', 'Changez d’abord votre mot de passe.');
      const grant = await grantFor(session);
      if (!grant) return sendError(res, 404, 'NOT_FOUND', 'Image introuvable.');
      await sendImage(req, res, this.runtime.blobs, grant);
    } catch (error) {
      // A viewer that scrolled past the page closed the connection: nothing went wrong here.
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      process.stderr.write(`[files] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Erreur interne.');
      else res.destroy();
    }
  }
}
