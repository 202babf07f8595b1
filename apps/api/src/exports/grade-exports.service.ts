import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ProjectionRunner } from '#projections';
import type { Session } from '../auth/sessions.js';
import { readYourWrites } from '../shared/command-context.js';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import type { GradeExportFormat, GradeExportRequest } from './export-request.js';
import { gradesCsv } from './formats/grades-csv.js';
import { gradesXlsx } from './formats/grades-xlsx.js';
import { pronoteCsv } from './formats/pronote-csv.js';
import type { ExamGradeSheet } from './formats/grade-sheet.js';
import { loadGradeSheet } from './grade-sheet.query.js';
import { recordGradesExported } from './grades-exported.js';

export interface GradeExportFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const CSV = 'text/csv; charset=utf-8';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * An exam's marks as a file (DESIGN §1 "exports", §10 Pronote): built from the read models, recorded
 * as a GradesExported event before a byte leaves, so no export escapes the audit trail.
 */
@Injectable()
export class GradeExports {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async export(session: Session, examId: string, request: GradeExportRequest): Promise<GradeExportFile> {
    const { sheet, examDate } = await loadGradeSheet(this.runtime.pool, examId);
    const body = render(sheet, request);
    const fileName = exportFileName(sheet.subject, examDate ?? today(), request.format);
    const position = await recordGradesExported(this.runtime.store, session, {
      examId,
      format: request.format,
      fileName,
      rows: sheet.students.length,
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      options: { coefficient: request.coefficient, subject: request.subject },
      by: session.userId,
    });
    // The audit log shows the export as soon as the file arrives.
    await readYourWrites(this.runner, position, ['audit-log']);
    return { fileName, contentType: request.format === 'xlsx' ? XLSX : CSV, body };
  }
}

const render = (sheet: ExamGradeSheet, request: GradeExportRequest): Buffer => {
  switch (request.format) {
    case 'pronote':
      return pronoteCsv(sheet, {
        ...(request.coefficient === null ? {} : { coefficient: request.coefficient }),
        ...(request.subject === null ? {} : { subject: request.subject }),
      });
    case 'csv':
      return gradesCsv(sheet);
    case 'xlsx':
      return gradesXlsx(sheet);
  }
};

/** `notes_mathematiques_2026-03-12.csv`, `…_detail.csv`, `….xlsx`: ASCII only, safe in any header and file system. */
export const exportFileName = (subject: string, date: string, format: GradeExportFormat): string => {
  const slug =
    subject
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'examen';
  const suffix = { pronote: '_pronote.csv', csv: '_detail.csv', xlsx: '.xlsx' }[format];
  return `notes_${slug}_${date}${suffix}`;
};

/** The export's day in the school's time zone (the exam's date names the file when it has one). */
const today = (): string => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
