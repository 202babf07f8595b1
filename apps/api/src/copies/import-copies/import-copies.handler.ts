import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Position, comparePositions } from '#event-store';
import { copyDecider, copyStreamId, examDecider, examStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand, loadStream } from '../../shared/execute-command.js';
import { COPY_READ_MODELS, mapLimited, readYourWrites, requireId } from '../../shared/command-context.js';
import { ApiError, badInput, notFound } from '../../shared/errors.js';
import { reserveAnonymousCode } from './anonymous-code.js';
import { type CopyToImport, ImportCopiesCommand } from './import-copies.command.js';

export const MAX_COPIES_PER_IMPORT = 500;

/**
 * Imports copies into an exam (the admin correcting a split, and the scan pipeline later). Each copy
 * gets an anonymous code reserved first, then its CopyImported. A copy id already imported into the
 * same exam is a retry: it is answered as is, with its code unchanged.
 */
@CommandHandler(ImportCopiesCommand)
export class ImportCopiesHandler implements ICommandHandler<ImportCopiesCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ actor, examId, scanId, copies }: ImportCopiesCommand): Promise<string[]> {
    if (copies.length === 0) throw badInput('Aucune copie à importer.');
    if (copies.length > MAX_COPIES_PER_IMPORT) throw badInput(`Au plus ${MAX_COPIES_PER_IMPORT} copies par import.`);
    const exam = (await loadStream(this.runtime.store, examStreamId(examId), examDecider)).state;
    if (!exam.created) throw notFound('Examen introuvable.');
    if (exam.archived) throw new ApiError('CONFLICT', 'Cet examen est archivé.');
    const ids = copies.map((copy) => (copy.copyId ? requireId(copy.copyId, 'Copie') : randomUUID()));
    if (new Set(ids).size !== ids.length) throw badInput('Une copie figure deux fois dans l’import.');
    let last: Position | null = null;
    await mapLimited(copies, 8, async (copy, index) => {
      const position = await this.importOne(ids[index]!, examId, scanId, copy, actor);
      if (position && (!last || comparePositions(position, last) > 0)) last = position;
    });
    await readYourWrites(this.runner, last, COPY_READ_MODELS);
    return ids;
  }

  private async importOne(
    copyId: string,
    examId: string,
    scanId: string,
    copy: CopyToImport,
    actor: ImportCopiesCommand['actor'],
  ): Promise<Position | null> {
    const stream = copyStreamId(copyId);
    const existing = (await loadStream(this.runtime.store, stream, copyDecider)).state;
    if (existing.copyId !== null) {
      if (existing.examId === examId) return null;
      throw new ApiError('CONFLICT', 'Cette copie appartient déjà à un autre examen.', { copyId });
    }
    const anonymousCode = await reserveAnonymousCode(this.runtime.store, examId, copyId, actor);
    const metadata = { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() };
    const command = { type: 'ImportCopy', data: { copyId, examId, scanId, pages: copy.pages, anonymousCode }, metadata } as const;
    return (await executeCommand(this.runtime.store, stream, copyDecider, command, actor)).position;
  }
}
