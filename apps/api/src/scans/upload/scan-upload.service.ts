import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { MAX_PAGES_PER_COPY, type ScanMode, examDecider, examStreamId, scanDecider, scanStreamId } from '#domain';
import { type Position, comparePositions } from '#event-store';
import { ScanRejectedError, inspectPdf, scanLimits } from '#ocr';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { Session } from '../../auth/sessions.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { executeCommand, loadStream } from '../../shared/execute-command.js';
import { ScanPipeline } from '../scan-pipeline.processor.js';
import { type ReceivedFile, type ReceivedUpload, discard, receiveUpload } from './receive-upload.js';
import { checkNotImported, reserveScanFile } from './scan-file-reservation.js';
import { UploadError } from './upload-error.js';

export const DEFAULT_PAGES_PER_COPY = 4;
/** One PDF per student: a class, with room to spare. */
const MAX_FILES = 100;

export interface AcceptedScan {
  readonly scanId: string;
  readonly fileName: string;
  readonly pageCount: number;
}

/**
 * POST /api/exams/:examId/scans (DESIGN §7): receive, validate, keep, record. A file is kept in the
 * blob store only once it passed inspection and the duplicate check; a refused file leaves a
 * ScanRejected for the audit trail and no blob. The temporary files are always removed.
 */
@Injectable()
export class ScanUploadService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(ScanPipeline) private readonly pipeline: ScanPipeline,
  ) {}

  async upload(session: Session, examId: string, req: Request): Promise<AcceptedScan[]> {
    await this.requireOpenExam(examId);
    this.pipeline.prepare();
    const config = this.runtime.config.scans;
    const upload = await receiveUpload(req, {
      tmpDir: path.join(this.runtime.config.dataDir, 'tmp'),
      maxBytes: config.maxBytes,
      maxFiles: MAX_FILES,
    });
    try {
      return await this.accept(session, examId, upload);
    } finally {
      await discard(upload.files.map((file) => file.path));
    }
  }

  private async accept(session: Session, examId: string, upload: ReceivedUpload): Promise<AcceptedScan[]> {
    const { mode, pagesPerCopy } = formOptions(upload.fields);
    if (upload.tooLarge) {
      const { fileName, received } = upload.tooLarge;
      const mb = Math.floor(this.runtime.config.scans.maxBytes / (1024 * 1024));
      const reason = `Le fichier est trop volumineux : ${mb > 0 ? `${mb} Mo` : `${this.runtime.config.scans.maxBytes} octets`} au plus.`;
      await this.reject(session, examId, { fileName, sha256: null, size: received }, new ScanRejectedError('TOO_LARGE', reason));
      throw new UploadError(413, 'TOO_LARGE', reason, { fileName });
    }
    const files = upload.files;
    if (files.length === 0) throw new UploadError(400, 'BAD_USER_INPUT', 'Aucun fichier PDF reçu.');
    if (mode === 'class' && files.length > 1) {
      throw new UploadError(
        400,
        'BAD_USER_INPUT',
        'Une classe s’importe en un seul PDF ; pour un PDF par élève, choisissez le mode « single ».',
      );
    }
    if (new Set(files.map((file) => file.sha256)).size !== files.length) {
      throw new UploadError(400, 'BAD_USER_INPUT', 'Le même fichier figure deux fois dans l’envoi.');
    }
    const limits = scanLimits({
      maxBytes: this.runtime.config.scans.maxBytes,
      maxPages: this.runtime.config.scans.maxPages,
      renderTimeoutMs: this.runtime.config.scans.renderTimeoutMs,
    });
    // Every file is checked before any is kept: an envelope with one bad PDF imports nothing.
    const pageCounts: number[] = [];
    for (const file of files) {
      try {
        pageCounts.push((await inspectPdf(file.path, limits)).pageCount);
      } catch (error) {
        if (!(error instanceof ScanRejectedError)) throw error;
        await this.reject(session, examId, file, error);
        const page = error.page === undefined ? {} : { page: error.page };
        throw new UploadError(422, error.code, error.reason, { ...page, fileName: file.fileName });
      }
    }
    for (const file of files) await checkNotImported(this.runtime.store, examId, file.sha256);
    const accepted: AcceptedScan[] = [];
    let last: Position | null = null;
    for (const [index, file] of files.entries()) {
      const pageCount = pageCounts[index]!;
      const { scanId, position } = await this.keep(session, examId, file, pageCount, mode === 'single' ? pageCount : pagesPerCopy, mode);
      if (position && (!last || comparePositions(position, last) > 0)) last = position;
      accepted.push({ scanId, fileName: file.fileName, pageCount });
    }
    await readYourWrites(this.runner, last, ['scans']);
    this.pipeline.wake();
    return accepted;
  }

  /** Blob first (content-addressed: a repeat is harmless), then the reservation, then the scan. */
  private async keep(session: Session, examId: string, file: ReceivedFile, pageCount: number, pagesPerCopy: number, mode: ScanMode) {
    const scanId = randomUUID();
    await this.runtime.blobs.put(createReadStream(file.path), { expectedKey: file.sha256 });
    await reserveScanFile(this.runtime.store, examId, file.sha256, scanId, file.fileName, actorOf(session));
    const data = { scanId, examId, fileName: file.fileName, pdfBlobKey: file.sha256, size: file.size, pageCount, pagesPerCopy, mode };
    const command = { type: 'UploadScan', data, metadata: metadataOf(session) } as const;
    const result = await executeCommand(this.runtime.store, scanStreamId(scanId), scanDecider, command, actorOf(session));
    return { scanId, position: result.position };
  }

  private async reject(
    session: Session,
    examId: string,
    file: Pick<ReceivedFile, 'fileName' | 'size'> & { sha256: string | null },
    error: ScanRejectedError,
  ): Promise<void> {
    const scanId = randomUUID();
    const data = {
      scanId,
      examId,
      fileName: file.fileName,
      sha256: file.sha256,
      size: file.size,
      code: error.code,
      reason: error.reason,
      ...(error.page === undefined ? {} : { page: error.page }),
    };
    const result = await executeCommand(
      this.runtime.store,
      scanStreamId(scanId),
      scanDecider,
      { type: 'RejectScan', data, metadata: metadataOf(session) },
      actorOf(session),
    );
    await readYourWrites(this.runner, result.position, ['scans']);
  }

  /** Scans join an exam only before its copies go to correctors. */
  private async requireOpenExam(examId: string): Promise<void> {
    const exam = (await loadStream(this.runtime.store, examStreamId(examId), examDecider)).state;
    if (!exam.created) throw new UploadError(404, 'NOT_FOUND', 'Examen introuvable.');
    if (exam.archived) throw new UploadError(409, 'CONFLICT', 'Cet examen est archivé : on ne peut plus y importer de copies.');
    if (exam.dispatchRuns.length > 0 || exam.scoringStarted) {
      throw new UploadError(
        409,
        'CONFLICT',
        'Les copies de cet examen sont déjà distribuées aux correcteurs : on ne peut plus y importer de scan.',
      );
    }
  }
}

const formOptions = (fields: Readonly<Record<string, string>>): { mode: ScanMode; pagesPerCopy: number } => {
  const mode = (fields.mode ?? 'class').trim() || 'class';
  if (mode !== 'class' && mode !== 'single') {
    throw new UploadError(400, 'BAD_USER_INPUT', 'Mode inconnu : « class » (un PDF pour la classe) ou « single » (un PDF par élève).');
  }
  const raw = (fields.pagesPerCopy ?? '').trim();
  const pagesPerCopy = raw === '' ? DEFAULT_PAGES_PER_COPY : Number(raw);
  if (!Number.isInteger(pagesPerCopy) || pagesPerCopy < 1 || pagesPerCopy > MAX_PAGES_PER_COPY) {
    throw new UploadError(400, 'BAD_USER_INPUT', `Le nombre de pages par copie est un entier de 1 à ${MAX_PAGES_PER_COPY}.`);
  }
  return { mode, pagesPerCopy };
};
