import { randomBytes } from 'node:crypto';
import { type EventStore, WrongExpectedRevisionError } from '#event-store';
import { ApiError } from '../../shared/errors.js';
import { type Actor, appendAs } from '../../shared/execute-command.js';

/** No 0/O, 1/I/L look-alikes: the code is read aloud and typed from a sheet of paper. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const ATTEMPTS = 12;

export const newAnonymousCode = (): string => `K-${[...randomBytes(4)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('')}`;

/**
 * Reserves an anonymous code unique within the exam: the stream `copycode-<examId>-<code>` is
 * appended with no_stream, so two imports never hand out the same code, even on two replicas.
 * 31^4 codes per exam: a clash is rare and simply draws again.
 */
export const reserveAnonymousCode = async (store: EventStore, examId: string, copyId: string, actor: Actor): Promise<string> => {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const code = newAnonymousCode();
    try {
      await appendAs(
        store,
        `copycode-${examId}-${code}`,
        [{ type: 'AnonymousCodeReserved', data: { examId, code, copyId } }],
        actor,
        'no_stream',
      );
      return code;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  throw new ApiError('CONFLICT', 'Impossible de tirer un code anonyme libre : réessayez.');
};
