import type { CommandMetadata, Role } from '../shared/event.js';
import { given } from '../testing/given.js';
import { copyDecider } from './copy.decider.js';
import type { CopyEvent } from './copy.events.js';
import { evolveCopy, initialCopyState } from './copy.state.js';
import type { CorrectedCopyFile, RecordCorrectedCopy } from './corrected-copy.js';

const COPY = '0b6f3c1e-4a77-4d2a-9a51-6f0c2d9e1a01';
const T0 = '2025-03-10T08:00:00.000Z';

describe('a finalised copy without its corrected PDF', () => {
  it('records the PDF the processor built, for an unidentified copy the anonymous variant only', () =>
    given(copyDecider, finalisedCopy())
      .when(record(ANONYMOUS, null))
      .then([rendered(ANONYMOUS, null)]));

  it('records both variants for an identified copy', () =>
    given(copyDecider, [...finalisedCopy(), identified()])
      .when(record(ANONYMOUS, NAMED))
      .then([rendered(ANONYMOUS, NAMED)]));

  it('refuses a named variant for a copy nobody is identified on', () =>
    given(copyDecider, finalisedCopy())
      .when(record(ANONYMOUS, NAMED))
      .thenThrows('VALIDATION', /unidentified/));

  it('refuses an identified copy without its named variant', () =>
    given(copyDecider, [...finalisedCopy(), identified()])
      .when(record(ANONYMOUS, null))
      .thenThrows('VALIDATION', /named PDF/));

  it('takes the PDF from the processor only', () =>
    given(copyDecider, finalisedCopy())
      .when(record(ANONYMOUS, null, as('admin')))
      .thenThrows('FORBIDDEN'));

  it('refuses a file that is not a blob key, a hash and a size', () => {
    given(copyDecider, finalisedCopy())
      .when(record({ ...ANONYMOUS, pdfBlobKey: '../etc/passwd' }, null))
      .thenThrows('VALIDATION', /pdfBlobKey/);
    given(copyDecider, finalisedCopy())
      .when(record({ ...ANONYMOUS, bytes: 0 }, null))
      .thenThrows('VALIDATION', /bytes/);
  });
});

describe('a copy already carrying its corrected PDF', () => {
  it('answers nothing when the same build is recorded again', () =>
    given(copyDecider, [...finalisedCopy(), rendered(ANONYMOUS, null)])
      .when(record(ANONYMOUS, null))
      .then([]));

  it('records a different build (the student’s name changed) over the old one', () =>
    given(copyDecider, [...finalisedCopy(), identified(), rendered(ANONYMOUS, NAMED)])
      .when(record(ANONYMOUS, OTHER))
      .then([rendered(ANONYMOUS, OTHER)]));

  it('loses it when an admin reopens the copy, and refuses a PDF until it is finalised again', () => {
    const reopened: CopyEvent = { type: 'CopyReopened', data: { copyId: COPY, adminId: 'admin-1', reason: 'appeal' } };
    const history = [...finalisedCopy(), rendered(ANONYMOUS, null), reopened];
    expect(history.reduce(evolveCopy, initialCopyState()).correctedPdf).toBeNull();
    given(copyDecider, history)
      .when(record(ANONYMOUS, null))
      .thenThrows('ILLEGAL_STATE', /finalised/);
  });

  it('loses it when the copy is identified or its identification is cleared: the named variant must follow', () => {
    const withPdf = [...finalisedCopy(), rendered(ANONYMOUS, null)];
    expect([...withPdf, identified()].reduce(evolveCopy, initialCopyState()).correctedPdf).toBeNull();
    const cleared: CopyEvent = { type: 'IdentificationCleared', data: { copyId: COPY, studentId: 'student-1', by: 'admin-1' } };
    const named = [...finalisedCopy(), identified(), rendered(ANONYMOUS, NAMED)];
    expect(named.reduce(evolveCopy, initialCopyState()).correctedPdf?.named).toEqual(NAMED);
    expect([...named, cleared].reduce(evolveCopy, initialCopyState()).correctedPdf).toBeNull();
  });
});

describe('a copy not finalised', () => {
  it('has no corrected PDF to record', () =>
    given(copyDecider, finalisedCopy().slice(0, 2)).when(record(ANONYMOUS, null)).thenThrows('ILLEGAL_STATE'));
});

// ——— fixtures ———

const file = (digit: string, bytes: number): CorrectedCopyFile => ({ pdfBlobKey: digit.repeat(64), sha256: digit.repeat(64), bytes });
const ANONYMOUS = file('a', 120_000);
const NAMED = file('b', 121_000);
const OTHER = file('c', 121_500);

function as(role: Role): CommandMetadata {
  return { actorId: role === 'system' ? 'corrected-copies' : `${role}-1`, actorRole: role, now: T0 };
}

function record(anonymous: CorrectedCopyFile, named: CorrectedCopyFile | null, metadata = as('system')): RecordCorrectedCopy {
  return { type: 'RecordCorrectedCopy', data: { finalisedRevision: '5', anonymous, named }, metadata };
}

function rendered(anonymous: CorrectedCopyFile, named: CorrectedCopyFile | null): CopyEvent {
  return { type: 'CorrectedCopyRendered', data: { copyId: COPY, finalisedRevision: '5', anonymous, named } };
}

function identified(): CopyEvent {
  return { type: 'StudentIdentified', data: { copyId: COPY, studentId: 'student-1', method: 'manual', by: 'admin-1' } };
}

function finalisedCopy(): CopyEvent[] {
  return [
    {
      type: 'CopyImported',
      data: { copyId: COPY, examId: 'exam-1', scanId: 'scan-1', pages: [{ pageId: 'p1', number: 1 }], anonymousCode: 'K-042' },
    },
    { type: 'CopyAssigned', data: { copyId: COPY, correctorId: 'teacher-1', runId: 'run-1' } },
    { type: 'CopyLocked', data: { copyId: COPY, holderId: 'teacher-1', leaseUntil: '2025-03-10T08:30:00.000Z' } },
    { type: 'ScoreAwarded', data: { copyId: COPY, questionId: 'q1', points: 3, scaleVersion: 1 } },
    { type: 'CopyFinalized', data: { copyId: COPY, total: 3, max: 4, scaleVersion: 1 } },
    { type: 'CopyUnlocked', data: { copyId: COPY, holderId: 'teacher-1' } },
  ];
}
