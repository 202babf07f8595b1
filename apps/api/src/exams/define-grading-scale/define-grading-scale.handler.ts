import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { examDecider, examStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { DefineGradingScaleCommand } from './define-grading-scale.command.js';

@CommandHandler(DefineGradingScaleCommand)
export class DefineGradingScaleHandler implements ICommandHandler<DefineGradingScaleCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, examId, questions, confirmed }: DefineGradingScaleCommand): Promise<void> {
    const command = { type: 'DefineGradingScale', data: { examId, questions, confirmed }, metadata: metadataOf(session) } as const;
    const result = await executeCommand(this.runtime.store, examStreamId(examId), examDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['exams']);
  }
}
