import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { copyDecider, copyStreamId, type CopyEvent } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { ClearIdentificationCommand } from './clear-identification.command.js';
import { releaseStudent } from './student-reservation.js';

@CommandHandler(ClearIdentificationCommand)
export class ClearIdentificationHandler implements ICommandHandler<ClearIdentificationCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ actor, copyId, reason }: ClearIdentificationCommand): Promise<void> {
    const store = this.runtime.store;
    const command = {
      type: 'ClearIdentification',
      data: reason ? { reason } : {},
      metadata: { ...actor, now: new Date().toISOString() },
    } as const;
    const result = await executeCommand(store, copyStreamId(copyId), copyDecider, command, actor);
    const cleared = result.events.find(
      (event): event is Extract<CopyEvent, { type: 'IdentificationCleared' }> => event.type === 'IdentificationCleared',
    );
    if (cleared && result.state.examId) await releaseStudent(store, result.state.examId, cleared.data.studentId, copyId, actor);
    await readYourWrites(this.runner, result.position, COPY_READ_MODELS);
  }
}
