import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

/** Students see their results and corrected copies once published. */
export class PublishResultsCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly examId: string,
  ) {
    super();
  }
}
