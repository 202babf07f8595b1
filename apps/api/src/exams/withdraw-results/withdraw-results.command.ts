import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

/** Hides published results again (a mistake found), with the reason kept for the audit. */
export class WithdrawResultsCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly examId: string,
    readonly reason: string,
  ) {
    super();
  }
}
