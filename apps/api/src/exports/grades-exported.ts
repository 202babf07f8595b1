import type { Event } from '#domain';
import type { EventStore, Position } from '#event-store';
import type { Session } from '../auth/sessions.js';
import { appendAs } from '../shared/execute-command.js';
import type { GradeExportFormat } from './export-request.js';

/**
 * The audit trail of grade exports: who took which marks out of Korrigo, when, in which file. No
 * decider: nothing is decided (the export is allowed or refused before), the event only records it.
 * One stream per exam, appended at any revision: two exports at once are two facts, not a conflict.
 * The file itself is not kept (it holds every student's marks); its SHA-256 identifies it.
 */
export type GradesExported = Event<
  'GradesExported',
  {
    examId: string;
    format: GradeExportFormat;
    fileName: string;
    /** Student lines in the file (header excluded). */
    rows: number;
    bytes: number;
    sha256: string;
    options: { coefficient: number | null; subject: string | null };
    by: string;
  }
>;

export const gradeExportStreamId = (examId: string): string => `gradeexport-${examId}`;

export const recordGradesExported = async (store: EventStore, session: Session, data: GradesExported['data']): Promise<Position> => {
  const event: GradesExported = { type: 'GradesExported', data };
  const actor = { actorId: session.userId, actorRole: session.role };
  const result = await appendAs(store, gradeExportStreamId(data.examId), [event], actor, 'any');
  return result.position;
};
