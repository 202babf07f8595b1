import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';

export type NewExam = { title: string; subject: string; date?: string; classNames: string[] };

/** The exam office creates a mock exam for classes of the roster; answers the new exam's id. */
export class CreateExamCommand extends Command<string> {
  constructor(
    readonly session: Session,
    readonly exam: NewExam,
  ) {
    super();
  }
}
