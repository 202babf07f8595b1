import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { examDecider, examStreamId, scanDecider, scanStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { readYourWrites } from '../../shared/command-context.js';
import { ApiError, notFound } from '../../shared/errors.js';
import { executeCommand, loadStream } from '../../shared/execute-command.js';
import { ScanPipeline } from '../scan-pipeline.processor.js';
import { RetryScanCommand } from './retry-scan.command.js';

@CommandHandler(RetryScanCommand)
export class RetryScanHandler implements ICommandHandler<RetryScanCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(ScanPipeline) private readonly pipeline: ScanPipeline,
  ) {}

  async execute({ actor, scanId }: RetryScanCommand): Promise<void> {
    const store = this.runtime.store;
    const scan = (await loadStream(store, scanStreamId(scanId), scanDecider)).state;
    if (scan.scanId === null) throw notFound('Import introuvable.');
    if (!scan.failure || scan.rejected) throw new ApiError('CONFLICT', 'Seul un import en échec peut être relancé.');
    const exam = (await loadStream(store, examStreamId(scan.examId!), examDecider)).state;
    if (exam.archived || exam.dispatchRuns.length > 0) {
      throw new ApiError(
        'CONFLICT',
        'Les copies de cet examen sont déjà distribuées (ou l’examen est archivé) : l’import ne peut plus reprendre.',
      );
    }
    const command = {
      type: 'RetryScan',
      data: {},
      metadata: { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() },
    } as const;
    const result = await executeCommand(store, scanStreamId(scanId), scanDecider, command, actor);
    await readYourWrites(this.runner, result.position, ['scans']);
    this.pipeline.wake();
  }
}
