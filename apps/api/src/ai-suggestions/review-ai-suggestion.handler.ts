import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { COPY_READ_MODELS, readYourWrites } from '../shared/command-context.js';
import { executeOnScale } from '../copies/grade-copy/execute-on-scale.js';
import { ReviewAiSuggestionCommand } from './ai-suggestions.commands.js';
import { AI_READ_MODELS } from './request-ai-suggestions.handler.js';

/**
 * A review decided on the exam's current scale, exactly as a score is (executeOnScale): the decision
 * and the score it implies are one append.
 */
@CommandHandler(ReviewAiSuggestionCommand)
export class ReviewAiSuggestionHandler implements ICommandHandler<ReviewAiSuggestionCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ copyId, actor, review }: ReviewAiSuggestionCommand): Promise<{ changed: boolean }> {
    const result = await executeOnScale(this.runtime.store, copyId, actor, (scale, metadata) => ({
      type: 'ReviewAiSuggestion',
      data: { ...review, scale },
      metadata,
    }));
    await readYourWrites(this.runner, result.position, [...COPY_READ_MODELS, ...AI_READ_MODELS]);
    return { changed: result.events.length > 0 };
  }
}
