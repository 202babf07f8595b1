import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

/** The admin gives one copy to another corrector of its exam, outside a dispatch run. */
export class ReassignCopyCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly copyId: string,
    readonly correctorId: string,
  ) {
    super();
  }
}
