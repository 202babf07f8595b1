import { copyDecider, copyStreamId } from '#domain';
import { type EventStore, StreamNotFoundError, WrongExpectedRevisionError } from '#event-store';
import { ApiError } from '../../shared/errors.js';
import { type Actor, appendAs, loadStream } from '../../shared/execute-command.js';

/**
 * One copy per student and exam (DESIGN §3): the stream `examstudent-<examId>-<studentId>` says
 * which copy holds the student. Its first append expects no_stream, later ones the revision read, so
 * of two identifications racing for one student exactly one wins. Clearing a copy's identification
 * releases the student.
 */
const streamOf = (examId: string, studentId: string): string => `examstudent-${examId}-${studentId}`;

interface Reservation {
  readonly copyId: string | null;
  readonly revision: bigint | null;
}

const read = async (store: EventStore, stream: string): Promise<Reservation> => {
  try {
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    // No event is no reservation: the PostgreSQL store can answer [] while a first append is committing.
    if (!last) return { copyId: null, revision: null };
    return { copyId: last.type === 'StudentCopyReserved' ? String(last.data.copyId) : null, revision: last.revision };
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { copyId: null, revision: null };
    throw error;
  }
};

const append = (store: EventStore, stream: string, type: string, copyId: string, actor: Actor, expected: bigint | null) =>
  appendAs(store, stream, [{ type, data: { copyId } }], actor, expected ?? 'no_stream');

/**
 * Takes the student for `copyId`, or answers CONFLICT naming the copy that has them. A reservation
 * left behind by a clearing whose release never landed (a crash in between) is taken over: its copy
 * shows the student's identification cleared.
 */
export const reserveStudent = async (store: EventStore, examId: string, studentId: string, copyId: string, actor: Actor): Promise<void> => {
  const stream = streamOf(examId, studentId);
  for (let attempt = 0; attempt < 4; attempt++) {
    const held = await read(store, stream);
    if (held.copyId === copyId) return;
    if (held.copyId !== null) {
      const holder = await loadStream(store, copyStreamId(held.copyId), copyDecider);
      const cleared = holder.events.some((event) => event.type === 'IdentificationCleared' && event.data.studentId === studentId);
      if (holder.state.studentId === studentId || !cleared) {
        throw new ApiError('CONFLICT', `Cet élève est déjà identifié sur la copie ${holder.state.anonymousCode ?? held.copyId}.`, {
          copyId: held.copyId,
          anonymousCode: holder.state.anonymousCode,
        });
      }
    }
    try {
      await append(store, stream, 'StudentCopyReserved', copyId, actor, held.revision);
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  throw new ApiError('CONFLICT', 'Cet élève vient d’être identifié ailleurs : rechargez.');
};

/** Frees the student when `copyId` holds them; a release already done is harmless. */
export const releaseStudent = async (store: EventStore, examId: string, studentId: string, copyId: string, actor: Actor): Promise<void> => {
  const stream = streamOf(examId, studentId);
  for (let attempt = 0; attempt < 4; attempt++) {
    const held = await read(store, stream);
    if (held.copyId !== copyId) return;
    try {
      await append(store, stream, 'StudentCopyReleased', copyId, actor, held.revision);
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
};
