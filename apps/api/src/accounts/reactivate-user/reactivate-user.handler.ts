import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { ReactivateUserCommand } from './reactivate-user.command.js';

@CommandHandler(ReactivateUserCommand)
export class ReactivateUserHandler implements ICommandHandler<ReactivateUserCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, userId }: ReactivateUserCommand): Promise<void> {
    const command = { type: 'ReactivateUser', data: { userId }, metadata: metadataOf(session) } as const;
    const result = await executeCommand(this.runtime.store, userStreamId(userId), userDecider, command, actorOf(session));
    await readYourWrites(this.runner, result.position, ['users']);
  }
}
