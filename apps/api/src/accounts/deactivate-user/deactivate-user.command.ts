import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

/** An admin closes a staff account; its sessions end at once. */
export class DeactivateUserCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly userId: string,
    readonly reason: string | undefined,
  ) {
    super();
  }
}
