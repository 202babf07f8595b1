import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { userDecider, userStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { SessionStore } from '../../auth/sessions.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { requireAnotherActiveAdmin, withAdminSetLock } from '../users.queries.js';
import { DeactivateUserCommand } from './deactivate-user.command.js';

@CommandHandler(DeactivateUserCommand)
export class DeactivateUserHandler implements ICommandHandler<DeactivateUserCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {}

  async execute({ session, userId, reason }: DeactivateUserCommand): Promise<void> {
    await withAdminSetLock(this.runtime.pool, async (client) => {
      await requireAnotherActiveAdmin(client, userId);
      const command = {
        type: 'DeactivateUser',
        data: { userId, ...(reason?.trim() ? { reason: reason.trim() } : {}) },
        metadata: metadataOf(session),
      } as const;
      const result = await executeCommand(this.runtime.store, userStreamId(userId), userDecider, command, actorOf(session));
      await readYourWrites(this.runner, result.position, ['users']);
    });
    await this.sessions.destroyAllFor(userId);
  }
}
