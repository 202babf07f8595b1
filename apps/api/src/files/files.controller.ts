import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { buildCorrectedCopiesArchive } from '../corrected-copies/corrected-copies-archive.js';
import { auditDownload } from '../corrected-copies/download-audit.js';
import { correctedCopyFileName } from '../corrected-copies/file-names.js';
import { FileAccess, type FileGrant } from './file-access.js';
import { FILES_ROUTE } from './file-urls.js';
import { sendAttachment } from './send-attachment.js';
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

  /** A copy's corrected PDF, in the variant the caller may have; every download is audited first. */
  @Get('copies/:copyId/corrected.pdf')
  async correctedCopy(@Req() req: Request, @Res() res: Response, @Param('copyId') copyId: string): Promise<void> {
    await this.download(req, res, async (session) => {
      const grant = UUID.test(copyId) ? await this.access.correctedCopy(session, copyId.toLowerCase()) : null;
      if (!grant) return sendError(res, 404, 'NOT_FOUND', 'Copie corrigée introuvable.');
      if (grant === 'pending')
        return sendError(res, 409, 'CONFLICT', 'La copie corrigée est en préparation : réessayez dans quelques secondes.');
      const blob = await this.runtime.blobs.get(grant.key);
      if (!blob) return sendError(res, 404, 'NOT_FOUND', 'Copie corrigée introuvable.');
      const { copyId: id, variant, sha256 } = grant;
      await auditDownload(this.runtime.store, session, {
        type: 'CorrectedCopyDownloaded',
        data: { copyId: id, variant, sha256, by: session.userId, role: session.role },
      });
      await sendAttachment(res, 'application/pdf', correctedCopyFileName(grant), blob);
    });
  }

  /** Every corrected PDF of an exam in one ZIP, for the exam office only (it names every student). */
  @Get('exams/:examId/corrected.zip')
  async correctedArchive(@Req() req: Request, @Res() res: Response, @Param('examId') examId: string): Promise<void> {
    await this.download(req, res, async (session) => {
      if (session.role !== 'admin') return sendError(res, 403, 'FORBIDDEN', 'Réservé au secrétariat des examens.');
      const archive = UUID.test(examId) ? await buildCorrectedCopiesArchive(this.runtime, examId.toLowerCase()) : null;
      if (!archive) return sendError(res, 404, 'NOT_FOUND', 'Aucune copie pour cet examen.');
      const { sha256, copies, missing } = archive;
      await auditDownload(this.runtime.store, session, {
        type: 'CorrectedCopiesArchiveDownloaded',
        data: { examId: examId.toLowerCase(), sha256, copies, missing, by: session.userId, role: session.role },
      });
      await sendAttachment(res, 'application/zip', archive.fileName, archive.zip);
    });
  }

  private async download(
    req: Request,
    res: Response,
    send: (session: NonNullable<RequestContext['session']>) => Promise<void>,
  ): Promise<void> {
    try {
      const session = (req as Request & { korrigo?: RequestContext }).korrigo?.session;
      if (!session) return sendError(res, 401, 'UNAUTHENTICATED', 'Connectez-vous d’abord.');
      if (session.mustChangePassword) return sendError(res, 403, 'FORBIDDEN', 'Changez d’abord votre mot de passe.');
      await send(session);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      process.stderr.write(`[files] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Erreur interne.');
      else res.destroy();
    }
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
