import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CopyCommand, GradingScaleSnapshot } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { CorrectedCopyProcessor } from '../../corrected-copies/corrected-copy.processor.js';
import { COPY_READ_MODELS, readYourWrites } from '../../shared/command-context.js';
import { executeOnScale } from './execute-on-scale.js';
import { type CopyGrade, GradeCopyCommand } from './grade-copy.command.js';

/** Scores, remarks and finalisation, decided on the exam's current grading scale (executeOnScale). */
@CommandHandler(GradeCopyCommand)
export class GradeCopyHandler implements ICommandHandler<GradeCopyCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(CorrectedCopyProcessor) private readonly correctedCopies: CorrectedCopyProcessor,
  ) {}

  async execute({ copyId, actor, grade }: GradeCopyCommand): Promise<{ changed: boolean }> {
    const result = await executeOnScale(this.runtime.store, copyId, actor, (scale, metadata) => command(grade, scale, metadata));
    await readYourWrites(this.runner, result.position, COPY_READ_MODELS);
    // The PDF is built within seconds rather than at the processor's next poll.
    if (grade.type === 'FinalizeCopy' && result.events.length > 0) this.correctedCopies.wake();
    return { changed: result.events.length > 0 };
  }
}

const command = (grade: CopyGrade, scale: GradingScaleSnapshot, metadata: CopyCommand['metadata']): CopyCommand => {
  switch (grade.type) {
    case 'AwardScore':
      return { type: 'AwardScore', data: { questionId: grade.questionId, points: grade.points, scale }, metadata };
    case 'WriteRemark':
      return { type: 'WriteRemark', data: { questionId: grade.questionId, text: grade.text, scale }, metadata };
    case 'FinalizeCopy':
      return { type: 'FinalizeCopy', data: { scale }, metadata };
  }
};
