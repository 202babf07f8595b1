import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import type { Session } from '../auth/sessions.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { buildCorrectedCopiesArchive } from '../corrected-copies/corrected-copies-archive.js';
import { auditDownload } from '../corrected-copies/download-audit.js';
import { correctedCopyFileName } from '../corrected-copies/file-names.js';
import { restRoute } from '../shared/rest-route.js';
import { FileAccess, type FileGrant } from './file-access.js';
import { FILES_ROUTE } from './file-urls.js';
import { sendAttachment } from './send-attachment.js';
import { sendError, sendImage } from './send-image.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADMIN_ONLY = { tag: 'files', roles: ['admin'] } as const;

/**
 * Authorised downloads (DESIGN §6, §10): page images, header crops, corrected PDFs and the class
 * archive. `@Public()` only lets the request past the global guard's CSRF check, which a GET from an
 * <img> or a download link cannot pass (it sends no header): these reads change nothing but an audit
 * line and the session cookie is SameSite=strict. The session and every ownership rule are checked
 * here, on each request (restRoute, FileAccess).
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
    await restRoute(req, res, { tag: 'files' }, async (session) =>
      this.sendImage(req, res, pageId.length <= 200 ? await this.access.page(session, pageId) : null),
    );
  }

  /** The header shows the student's name: a corrector or a student is refused outright. */
  @Get('copies/:copyId/header')
  async header(@Req() req: Request, @Res() res: Response, @Param('copyId') copyId: string): Promise<void> {
    await restRoute(req, res, ADMIN_ONLY, async (admin) =>
      this.sendImage(req, res, UUID.test(copyId) ? await this.access.header(admin, copyId.toLowerCase()) : null),
    );
  }

  /** A copy's corrected PDF, in the variant the caller may have; every download is audited first. */
  @Get('copies/:copyId/corrected.pdf')
  async correctedCopy(@Req() req: Request, @Res() res: Response, @Param('copyId') copyId: string): Promise<void> {
    await restRoute(req, res, { tag: 'files' }, async (session: Session) => {
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
    await restRoute(req, res, ADMIN_ONLY, async (session) => {
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

  private async sendImage(req: Request, res: Response, grant: FileGrant | null): Promise<void> {
    if (!grant) return sendError(res, 404, 'NOT_FOUND', 'Image introuvable.');
    await sendImage(req, res, this.runtime.blobs, grant);
  }
}
