import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

/** An admin reopens a staff account; its password is unchanged (reset it if it may have leaked). */
export class ReactivateUserCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly userId: string,
  ) {
    super();
  }
}
