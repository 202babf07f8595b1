import { Controller, HttpCode, Inject, Param, Post, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { Roles } from '../../auth/roles.decorator.js';
import type { RequestContext } from '../../auth/request-context.js';
import { requireId } from '../../shared/command-context.js';
import { ScanUploadService, type AcceptedScan } from './scan-upload.service.js';
import { UploadErrorFilter } from './upload-error.filter.js';

/**
 * The one REST write of the API (DESIGN §6: multipart is the wrong job for GraphQL). Same session,
 * CSRF header and role check as every resolver (the global RolesGuard). Form fields: the PDF file(s),
 * `mode` ('class', default: one PDF for the class; 'single': one PDF per student, several files) and
 * `pagesPerCopy` (class mode, default 4). Answers 202: the pipeline then works in the background
 * (the `scans` query and `scanProgress` subscription follow it).
 */
@Controller('api/exams/:examId/scans')
@UseFilters(UploadErrorFilter)
export class ScanUploadController {
  constructor(@Inject(ScanUploadService) private readonly uploads: ScanUploadService) {}

  @Roles('admin')
  @Post()
  @HttpCode(202)
  async upload(
    @Param('examId') examId: string,
    @Req() req: Request & { korrigo: RequestContext },
  ): Promise<{ scans: AcceptedScan[]; scanId?: string; pageCount?: number }> {
    const scans = await this.uploads.upload(req.korrigo.session!, requireId(examId, 'Examen'), req);
    const [only] = scans;
    return scans.length === 1 && only ? { scanId: only.scanId, pageCount: only.pageCount, scans } : { scans };
  }
}
