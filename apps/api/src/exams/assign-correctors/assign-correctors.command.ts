import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

/** The whole set of correctors of an exam, replacing the previous one (teachers only, active). */
export class AssignCorrectorsCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly examId: string,
    readonly correctorIds: string[],
  ) {
    super();
  }
}
