import { Command } from '@nestjs/cqrs';
import type { GradingQuestionInput } from '#domain';
import type { Session } from '../../auth/sessions.js';

/** Defines or changes the grading scale; once scores exist, only with `confirmed` (after previewGradingScale). */
export class DefineGradingScaleCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly examId: string,
    readonly questions: GradingQuestionInput[],
    readonly confirmed: boolean,
  ) {
    super();
  }
}
