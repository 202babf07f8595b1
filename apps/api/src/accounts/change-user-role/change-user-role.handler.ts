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
import { ChangeUserRoleCommand } from './change-user-role.command.js';

@CommandHandler(ChangeUserRoleCommand)
export class ChangeUserRoleHandler implements ICommandHandler<ChangeUserRoleCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {}

  async execute({ session, userId, role }: ChangeUserRoleCommand): Promise<void> {
    const changed = await withAdminSetLock(this.runtime.pool, async (client) => {
      if (role !== 'admin') await requireAnotherActiveAdmin(client, userId);
      const command = { type: 'ChangeRole', data: { userId, role }, metadata: metadataOf(session) } as const;
      const result = await executeCommand(this.runtime.store, userStreamId(userId), userDecider, command, actorOf(session));
      await readYourWrites(this.runner, result.position, ['users']);
      return result.events.length > 0;
    });
    if (changed) await this.sessions.destroyAllFor(userId);
  }
}
