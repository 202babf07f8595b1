import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';
import type { StudentAccessSlip } from '../roster.models.js';

/** New one-time codes for some students or a whole class; each replaces the student's previous code and password. */
export class IssueStudentAccessCommand extends Command<StudentAccessSlip[]> {
  constructor(
    readonly session: Session,
    readonly target: { studentIds: string[] } | { className: string },
    readonly validDays: number,
  ) {
    super();
  }
}
