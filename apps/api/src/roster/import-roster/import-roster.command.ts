import { Command } from '@nestjs/cqrs';
import type { Session } from '../../auth/sessions.js';
import type { RosterImportReport } from '../roster.models.js';

/** A class roster file (Pronote export or plain CSV) upserted into the students, line by line. */
export class ImportRosterCommand extends Command<RosterImportReport> {
  constructor(
    readonly session: Session,
    readonly csv: string,
    readonly dryRun: boolean,
  ) {
    super();
  }
}
