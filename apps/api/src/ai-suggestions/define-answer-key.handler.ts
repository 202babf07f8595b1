import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { examDecider, examStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { executeCommand } from '../shared/execute-command.js';
import { readYourWrites } from '../shared/command-context.js';
import { DefineAnswerKeyCommand } from './ai-suggestions.commands.js';
import { AI_READ_MODELS } from './request-ai-suggestions.handler.js';

@CommandHandler(DefineAnswerKeyCommand)
export class DefineAnswerKeyHandler implements ICommandHandler<DefineAnswerKeyCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ examId, actor, text }: DefineAnswerKeyCommand): Promise<{ changed: boolean }> {
    const metadata = { actorId: actor.actorId, actorRole: actor.actorRole, now: new Date().toISOString() };
    const command = { type: 'DefineAnswerKey', data: { examId, text }, metadata } as const;
    const result = await executeCommand(this.runtime.store, examStreamId(examId), examDecider, command, actor);
    await readYourWrites(this.runner, result.position, AI_READ_MODELS);
    return { changed: result.events.length > 0 };
  }
}
