import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

/** A student leaves the school: no more sign-in, no more identification; their history stays. */
export class WithdrawStudentCommand extends Command<void> {
  constructor(
    readonly session: Session,
    readonly studentId: string,
    readonly reason: string | undefined,
  ) {
    super();
  }
}
