import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import { sendAttachment } from '../files/send-attachment.js';
import { requireId } from '../shared/command-context.js';
import { restRoute } from '../shared/rest-route.js';
import { parseExportRequest } from './export-request.js';
import { GradeExports } from './grade-exports.service.js';

/**
 * Grade exports as file downloads (DESIGN §6: files are what REST is for here). Admins only, and the
 * CSRF header is required: an export writes an audit event, so it is not a plain link (the portal
 * fetches it). Refusals leave as `{ error, message }` like the file routes (restRoute).
 */
@Public()
@Controller('api/exports')
export class GradeExportsController {
  constructor(@Inject(GradeExports) private readonly exports: GradeExports) {}

  @Get('exams/:examId/grades')
  async grades(@Req() req: Request, @Res() res: Response, @Param('examId') examId: string, @Query() query: Record<string, unknown>) {
    await restRoute(req, res, { tag: 'exports', roles: ['admin'], csrf: true }, async (session) => {
      const request = parseExportRequest(query);
      const file = await this.exports.export(session, requireId(examId, 'Examen'), request);
      await sendAttachment(res, file.contentType, file.fileName, file.body);
    });
  }
}
