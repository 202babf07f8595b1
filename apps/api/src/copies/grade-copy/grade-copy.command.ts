import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../shared/execute-command.js';

/** The copy commands decided against the exam's grading scale, which the handler loads. */
export type CopyGrade =
  | { type: 'AwardScore'; questionId: string; points: number }
  | { type: 'WriteRemark'; questionId: string; text: string }
  | { type: 'FinalizeCopy' };

export class GradeCopyCommand extends Command<{ changed: boolean }> {
  constructor(
    readonly copyId: string,
    readonly actor: Actor,
    readonly grade: CopyGrade,
  ) {
    super();
  }
}
