import { illegalState, validation } from '../shared/domain-error.js';
import type { Command, Event } from '../shared/event.js';
import { allow } from './copy.guards.js';
import type { CopyState } from './copy.state.js';

/**
 * The corrected copy as a PDF (issue 6): built by a processor once a copy is finalised and recorded
 * on the copy's stream, so a reopen (or a change of identification) clears it and a later
 * finalisation gets a new one. Two variants: `anonymous` (what its corrector may download: anonymous
 * code only, masked first page) and `named` (the student's and the exam office's: the student's name
 * on the summary page), present exactly when the copy is identified.
 */
/** `pdfBlobKey`: named `…BlobKey` so that snapshots (ops/src/blob-refs.ts) carry the file with the events. */
export type CorrectedCopyFile = Readonly<{ pdfBlobKey: string; sha256: string; bytes: number }>;
export type CorrectedCopyPdf = Readonly<{ finalisedRevision: string; anonymous: CorrectedCopyFile; named: CorrectedCopyFile | null }>;
export type CorrectedCopyVariant = 'anonymous' | 'named';

/** `finalisedRevision`: the copy stream revision of the CopyFinalized the PDF shows. */
export type CorrectedCopyRendered = Event<
  'CorrectedCopyRendered',
  { copyId: string; finalisedRevision: string; anonymous: CorrectedCopyFile; named: CorrectedCopyFile | null }
>;

/** Sent by the corrected-copy processor (role 'system'), appended at the revision it built from. */
export type RecordCorrectedCopy = Command<
  'RecordCorrectedCopy',
  { finalisedRevision: string; anonymous: CorrectedCopyFile; named: CorrectedCopyFile | null }
>;

/**
 * Downloads are audited on streams of their own (`copyfile-<copyId>`, `examfile-<examId>`), so a
 * download never moves the copy's revision (nor makes a corrector's next write a concurrent one).
 */
export type CorrectedCopyDownloaded = Event<
  'CorrectedCopyDownloaded',
  { copyId: string; variant: CorrectedCopyVariant; sha256: string; by: string; role: string }
>;
export type CorrectedCopiesArchiveDownloaded = Event<
  'CorrectedCopiesArchiveDownloaded',
  { examId: string; sha256: string; copies: number; missing: number; by: string; role: string }
>;
export const copyFileStreamId = (copyId: string): string => `copyfile-${copyId}`;
export const examFileStreamId = (examId: string): string => `examfile-${examId}`;

const HEX_64 = /^[0-9a-f]{64}$/;
const REVISION = /^\d{1,19}$/;

export const recordCorrectedCopy = ({ data, metadata }: RecordCorrectedCopy, copy: CopyState, copyId: string): CorrectedCopyRendered[] => {
  allow(metadata, 'system');
  const finalisedRevision = typeof data.finalisedRevision === 'string' ? data.finalisedRevision : '';
  if (!REVISION.test(finalisedRevision)) throw validation('finalisedRevision must be a stream revision', { field: 'finalisedRevision' });
  const anonymous = parseFile(data.anonymous, 'anonymous');
  const named = data.named === null || data.named === undefined ? null : parseFile(data.named, 'named');
  if (!copy.finalised) throw illegalState('only a finalised copy has a corrected PDF');
  if ((copy.studentId === null) !== (named === null)) {
    throw validation(copy.studentId === null ? 'an unidentified copy has no named PDF' : 'an identified copy needs its named PDF', {
      field: 'named',
    });
  }
  const recorded = copy.correctedPdf;
  if (
    recorded &&
    recorded.finalisedRevision === finalisedRevision &&
    sameFile(recorded.anonymous, anonymous) &&
    sameFile(recorded.named, named)
  ) {
    return []; // the same build recorded again (a retry, or two replicas): nothing new
  }
  return [{ type: 'CorrectedCopyRendered', data: { copyId, finalisedRevision, anonymous, named } }];
};

const parseFile = (value: unknown, field: string): CorrectedCopyFile => {
  const file = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof CorrectedCopyFile, unknown>>;
  const { pdfBlobKey, sha256, bytes } = file;
  if (typeof pdfBlobKey !== 'string' || !HEX_64.test(pdfBlobKey)) throw validation(`${field}.pdfBlobKey must be a blob key`, { field });
  if (typeof sha256 !== 'string' || !HEX_64.test(sha256)) throw validation(`${field}.sha256 must be a sha256 in hex`, { field });
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0) throw validation(`${field}.bytes must be a size`, { field });
  return { pdfBlobKey, sha256, bytes };
};

const sameFile = (a: CorrectedCopyFile | null, b: CorrectedCopyFile | null): boolean =>
  a === null || b === null ? a === b : a.pdfBlobKey === b.pdfBlobKey && a.sha256 === b.sha256 && a.bytes === b.bytes;
