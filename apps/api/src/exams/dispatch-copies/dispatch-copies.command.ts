import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

export type DispatchResult = { runId: string; moved: number; kept: number; failedCopyIds: string[] };

/** Deals the exam's unfinished copies among its correctors: a new run, random and fair. */
export class DispatchCopiesCommand extends Command<DispatchResult> {
  constructor(
    readonly session: Session,
    readonly examId: string,
  ) {
    super();
  }
}
