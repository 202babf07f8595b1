import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import { CSRF_HEADER, type RequestContext } from '../auth/request-context.js';
import { sendError } from '../files/send-image.js';
import { requireId } from '../shared/command-context.js';
import { ApiError, type ApiErrorCode, toApiError } from '../shared/errors.js';
import { parseExportRequest } from './export-request.js';
import { GradeExports } from './grade-exports.service.js';

const STATUS: Record<ApiErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * Grade exports as file downloads (DESIGN §6: files are what REST is for here). `@Public()` only so
 * that every refusal leaves as `{ error, message }` with its status, like the file routes: the
 * session, the forced password change, the CSRF header (an export writes an audit event, so it is
 * not a plain link: the portal fetches it) and the admin role are all checked here, on each request.
 */
@Public()
@Controller('api/exports')
export class GradeExportsController {
  constructor(@Inject(GradeExports) private readonly exports: GradeExports) {}

  @Get('exams/:examId/grades')
  async grades(@Req() req: Request, @Res() res: Response, @Param('examId') examId: string, @Query() query: Record<string, unknown>) {
    try {
      const session = (req as Request & { korrigo?: RequestContext }).korrigo?.session;
      if (!session) return sendError(res, 401, 'UNAUTHENTICATED', 'Connectez-vous d’abord.');
      if (session.mustChangePassword) return sendError(res, 403, 'FORBIDDEN', 'Changez d’abord votre mot de passe.');
      if (req.headers[CSRF_HEADER] !== session.csrfToken) return sendError(res, 403, 'FORBIDDEN', 'Jeton CSRF absent ou erroné.');
      if (session.role !== 'admin') return sendError(res, 403, 'FORBIDDEN', 'Réservé au secrétariat des examens.');
      const request = parseExportRequest(query);
      const file = await this.exports.export(session, requireId(examId, 'Examen'), request);
      res
        .status(200)
        .set({
          'Content-Type': file.contentType,
          'Content-Length': String(file.body.length),
          'Content-Disposition': `attachment; filename="${file.fileName}"`,
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
          'Cross-Origin-Resource-Policy': 'same-origin',
        })
        .end(file.body);
    } catch (error) {
      const mapped =
        error instanceof ApiError ? { code: error.extensions.code as ApiErrorCode, message: error.message } : toApiError(error);
      if (STATUS[mapped.code] >= 500) {
        process.stderr.write(`[exports] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      if (res.headersSent) res.destroy();
      else
        sendError(
          res,
          STATUS[mapped.code] ?? 500,
          mapped.code,
          mapped.code === 'INTERNAL_SERVER_ERROR' ? 'Erreur interne.' : mapped.message,
        );
    }
  }
}
