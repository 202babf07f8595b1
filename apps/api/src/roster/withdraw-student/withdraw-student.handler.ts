import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { studentDecider, studentStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { SessionStore } from '../../auth/sessions.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { WithdrawStudentCommand } from './withdraw-student.command.js';

@CommandHandler(WithdrawStudentCommand)
export class WithdrawStudentHandler implements ICommandHandler<WithdrawStudentCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {}

  async execute({ session, studentId, reason }: WithdrawStudentCommand): Promise<void> {
    const command = {
      type: 'WithdrawStudent',
      data: { studentId, ...(reason?.trim() ? { reason: reason.trim() } : {}) },
      metadata: metadataOf(session),
    } as const;
    const result = await executeCommand(this.runtime.store, studentStreamId(studentId), studentDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['students']);
    await this.sessions.destroyAllFor(studentId);
  }
}
