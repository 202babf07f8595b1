import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { copyDecider, copyStreamId, type CopyCommand } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { executeCommand } from '../../shared/execute-command.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { ChangeCopyCommand } from './change-copy.command.js';

@CommandHandler(ChangeCopyCommand)
export class ChangeCopyHandler implements ICommandHandler<ChangeCopyCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ copyId, actor, change, options }: ChangeCopyCommand): Promise<{ changed: boolean }> {
    const metadata = { actorId: actor.actorId, actorRole: actor.actorRole, now: options.now ?? new Date().toISOString() };
    const command = { ...change, metadata } as CopyCommand;
    const result = await executeCommand(this.runtime.store, copyStreamId(copyId), copyDecider, command, actor);
    if (options.awaitReadModel !== false) await readYourWrites(this.runner, result.position, COPY_READ_MODELS);
    return { changed: result.events.length > 0 };
  }
}
