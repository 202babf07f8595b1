import { Command } from '@nestjs/cqrs';
import type { UserRole } from '#domain';
import type { Session } from '../../auth/sessions.js';

/** An admin makes a teacher an admin or the reverse; the user's sessions end (they carry the role). */
export class ChangeUserRoleCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly userId: string,
    readonly role: UserRole,
  ) {
    super();
  }
}
