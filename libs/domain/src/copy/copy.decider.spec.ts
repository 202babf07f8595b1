import type { CommandMetadata, Role } from '../shared/event.js';
import { addMinutes } from '../shared/time.js';
import { given } from '../testing/given.js';
import type { Annotation, BoxAnnotation, CommentAnnotation, MarkAnnotation, StrokeAnnotation } from './annotation.js';
import type { CopyCommand, CopyCommandType } from './copy.commands.js';
import { copyDecider } from './copy.decider.js';
import type { CopyEvent } from './copy.events.js';
import { evolveCopy, holds, initialCopyState, isLockLive, type CopyState } from './copy.state.js';
import type { GradingScaleSnapshot } from './grading.js';

const COPY = '0b6f3c1e-4a77-4d2a-9a51-6f0c2d9e1a01';
const EXAM = 'e3c1d2a0-58f4-4b8e-8f0e-1c2b3a4d5e6f';
const SCAN = '5a1e2b3c-0d4e-4f5a-8b6c-7d8e9f0a1b2c';
const ADMIN = 'admin-1';
const CORRECTOR = 'teacher-1';
const OTHER_TEACHER = 'teacher-2';
const STUDENT = 'student-1';
const T0 = '2025-03-10T08:00:00.000Z';
const LEASE_END = addMinutes(T0, 30);
const ANNOTATION_ID = '9d4b7a2e-1f3c-4e5d-8a6b-0c1d2e3f4a5b';

describe('a copy not imported yet', () => {
  it('is imported by the scan pipeline with its pages and anonymous code', () =>
    given(copyDecider, [])
      .when(cmd('ImportCopy', importData(), as('system')))
      .then([imported()]));

  it('is imported by an admin correcting a split', () =>
    given(copyDecider, [])
      .when(cmd('ImportCopy', importData(), as('admin')))
      .then([imported()]));

  it('refuses an import by a teacher', () =>
    given(copyDecider, [])
      .when(cmd('ImportCopy', importData(), as('teacher')))
      .thenThrows('FORBIDDEN'));

  it('refuses a copy without pages', () =>
    given(copyDecider, [])
      .when(cmd('ImportCopy', { ...importData(), pages: [] }, as('system')))
      .thenThrows('VALIDATION', /at least one page/));

  it('refuses a page listed twice', () =>
    given(copyDecider, [])
      .when(
        cmd(
          'ImportCopy',
          {
            ...importData(),
            pages: [
              { pageId: 'p1', number: 1 },
              { pageId: 'p1', number: 2 },
            ],
          },
          as('system'),
        ),
      )
      .thenThrows('VALIDATION', /twice/));

  it('refuses an import without an anonymous code', () =>
    given(copyDecider, [])
      .when(cmd('ImportCopy', { ...importData(), anonymousCode: ' ' }, as('system')))
      .thenThrows('VALIDATION', /anonymousCode/));

  it('answers NOT_FOUND to anything but an import', () =>
    given(copyDecider, [])
      .when(cmd('LockCopy', {}, as('admin')))
      .thenThrows('NOT_FOUND'));
});

describe('an imported copy', () => {
  const history = [imported()];

  it('refuses a second import of the same copy', () =>
    given(copyDecider, history)
      .when(cmd('ImportCopy', importData(), as('system')))
      .thenThrows('ILLEGAL_STATE', /already imported/));

  it('records what OCR read in the header', () =>
    given(copyDecider, history)
      .when(cmd('RecordHeaderRead', headerData(), as('system')))
      .then([{ type: 'HeaderRead', data: { copyId: COPY, ...headerData() } }]));

  it('refuses a header confidence above 1', () =>
    given(copyDecider, history)
      .when(cmd('RecordHeaderRead', { ...headerData(), confidence: 1.2 }, as('system')))
      .thenThrows('VALIDATION', /confidence/));

  it('is identified automatically when the system is sure', () =>
    given(copyDecider, history)
      .when(cmd('IdentifyStudent', { studentId: STUDENT }, as('system')))
      .then([{ type: 'StudentIdentified', data: { copyId: COPY, studentId: STUDENT, method: 'auto', by: 'system' } }]));

  it('is identified manually at the identification desk', () =>
    given(copyDecider, history)
      .when(cmd('IdentifyStudent', { studentId: STUDENT }, as('admin')))
      .then([identified(STUDENT, 'manual')]));

  it('refuses an identification by a teacher', () =>
    given(copyDecider, history)
      .when(cmd('IdentifyStudent', { studentId: STUDENT }, as('teacher')))
      .thenThrows('FORBIDDEN'));

  it('refuses to clear an identification it does not have', () =>
    given(copyDecider, history)
      .when(cmd('ClearIdentification', {}, as('admin')))
      .thenThrows('ILLEGAL_STATE', /not identified/));

  it('is flagged with a reason and a note', () =>
    given(copyDecider, history)
      .when(cmd('FlagCopy', { reason: 'missing_pages', note: 'page 3 absent' }, as('system')))
      .then([{ type: 'CopyFlagged', data: { copyId: COPY, reason: 'missing_pages', note: 'page 3 absent' } }]));

  it('refuses an unknown flag reason', () =>
    given(copyDecider, history)
      .when(cmd('FlagCopy', { reason: 'smudged' as 'other' }, as('admin')))
      .thenThrows('VALIDATION', /flag reason/));

  it('ignores the same flag raised again', () =>
    given(copyDecider, [...history, flagged('no_header')])
      .when(cmd('FlagCopy', { reason: 'no_header' }, as('system')))
      .then([]));

  it('has its pages put back in reading order', () =>
    given(copyDecider, history)
      .when(cmd('ReorderPages', { pageIds: ['p2', 'p1'] }, as('admin')))
      .then([{ type: 'PagesReordered', data: { copyId: COPY, pageIds: ['p2', 'p1'] } }]));

  it('refuses an order that leaves a page out', () =>
    given(copyDecider, history)
      .when(cmd('ReorderPages', { pageIds: ['p2'] }, as('admin')))
      .thenThrows('VALIDATION', /each of the copy's pages/));

  it('refuses an order naming a page of another copy', () =>
    given(copyDecider, history)
      .when(cmd('ReorderPages', { pageIds: ['p2', 'p9'] }, as('admin')))
      .thenThrows('VALIDATION'));

  it('ignores the order it already has', () =>
    given(copyDecider, history)
      .when(cmd('ReorderPages', { pageIds: ['p1', 'p2'] }, as('admin')))
      .then([]));

  it('is assigned to a corrector by an admin', () =>
    given(copyDecider, history)
      .when(cmd('AssignCorrector', { correctorId: CORRECTOR, runId: 'run-1' }, as('admin')))
      .then([assigned()]));

  it('refuses an assignment made by a teacher', () =>
    given(copyDecider, history)
      .when(cmd('AssignCorrector', { correctorId: CORRECTOR, runId: 'run-1' }, as('teacher')))
      .thenThrows('FORBIDDEN'));

  it('cannot be locked before it is assigned, except by an admin', () => {
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('teacher')))
      .thenThrows('FORBIDDEN', /assigned corrector/);
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('admin')))
      .then([locked(ADMIN)]);
  });
});

describe('an identified copy', () => {
  const history = [imported(), identified(STUDENT)];

  it('ignores the same student identified again', () =>
    given(copyDecider, history)
      .when(cmd('IdentifyStudent', { studentId: STUDENT }, as('system')))
      .then([]));

  it('refuses another student until the identification is cleared', () =>
    given(copyDecider, history)
      .when(cmd('IdentifyStudent', { studentId: 'student-2' }, as('admin')))
      .thenThrows('ILLEGAL_STATE', /clear the identification first/));

  it('has its identification cleared by an admin, with a reason', () =>
    given(copyDecider, history)
      .when(cmd('ClearIdentification', { reason: 'wrong name read' }, as('admin')))
      .then([{ type: 'IdentificationCleared', data: { copyId: COPY, studentId: STUDENT, by: ADMIN, reason: 'wrong name read' } }]));

  it('refuses a clearing by the system', () =>
    given(copyDecider, history)
      .when(cmd('ClearIdentification', {}, as('system')))
      .thenThrows('FORBIDDEN'));

  it('takes another student once cleared', () =>
    given(copyDecider, [...history, cleared(STUDENT)])
      .when(cmd('IdentifyStudent', { studentId: 'student-2' }, as('admin')))
      .then([identified('student-2', 'manual')]));
});

describe('an assigned copy nobody holds', () => {
  const history = [imported(), assigned()];

  it('is locked by its corrector for 30 minutes', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('teacher')))
      .then([locked(CORRECTOR)]));

  it('is locked for the lease the portal asks', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', { leaseMinutes: 90 }, as('teacher')))
      .then([locked(CORRECTOR, addMinutes(T0, 90))]));

  it.each([0, 121, 1.5, Number.NaN])('refuses a lease of %p minutes', (leaseMinutes) =>
    given(copyDecider, history)
      .when(cmd('LockCopy', { leaseMinutes }, as('teacher')))
      .thenThrows('VALIDATION', /lease/),
  );

  it('accepts the shortest and the longest lease', () => {
    given(copyDecider, history)
      .when(cmd('LockCopy', { leaseMinutes: 1 }, as('teacher')))
      .then([locked(CORRECTOR, addMinutes(T0, 1))]);
    given(copyDecider, history)
      .when(cmd('LockCopy', { leaseMinutes: 120 }, as('teacher')))
      .then([locked(CORRECTOR, addMinutes(T0, 120))]);
  });

  it('refuses the lock to another teacher', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('teacher', OTHER_TEACHER)))
      .thenThrows('FORBIDDEN', /assigned corrector/));

  it('refuses the lock to a student', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('student')))
      .thenThrows('FORBIDDEN'));

  it('is locked by an admin', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('admin')))
      .then([locked(ADMIN)]));

  it('ignores the same corrector assigned again', () =>
    given(copyDecider, history)
      .when(cmd('AssignCorrector', { correctorId: CORRECTOR, runId: 'run-2' }, as('admin')))
      .then([]));

  it('is reassigned to another corrector', () =>
    given(copyDecider, history)
      .when(cmd('AssignCorrector', { correctorId: OTHER_TEACHER, runId: 'run-2' }, as('admin')))
      .then([{ type: 'CopyAssigned', data: { copyId: COPY, correctorId: OTHER_TEACHER, runId: 'run-2' } }]));

  it('refuses a score from its corrector who has not locked it', () =>
    given(copyDecider, history)
      .when(awardScore('q1', 2))
      .thenThrows('FORBIDDEN', /you do not hold this copy's lock/));

  it('ignores an unlock: it is not locked', () =>
    given(copyDecider, history)
      .when(cmd('UnlockCopy', {}, as('teacher')))
      .then([]));

  it('ignores a lock expiry: there is no lease', () =>
    given(copyDecider, history)
      .when(cmd('ExpireLock', {}, as('system')))
      .then([]));

  it('refuses a force-release: it is not locked', () =>
    given(copyDecider, history)
      .when(cmd('ForceReleaseLock', { reason: 'stuck' }, as('admin')))
      .thenThrows('ILLEGAL_STATE', /not locked/));
});

describe('a copy locked by its corrector', () => {
  const history = [imported(), assigned(), locked(CORRECTOR)];

  it('renews the lease when its corrector locks it again: a retry is harmless', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('teacher', CORRECTOR, addMinutes(T0, 10))))
      .then([renewed(CORRECTOR, addMinutes(T0, 40))]));

  it('renews the lease on a heartbeat', () =>
    given(copyDecider, history)
      .when(cmd('RenewLock', { leaseMinutes: 5 }, as('teacher', CORRECTOR, addMinutes(T0, 29))))
      .then([renewed(CORRECTOR, addMinutes(T0, 34))]));

  it('is unlocked by its corrector', () =>
    given(copyDecider, history)
      .when(cmd('UnlockCopy', {}, as('teacher')))
      .then([{ type: 'CopyUnlocked', data: { copyId: COPY, holderId: CORRECTOR } }]));

  it('refuses a reassignment while its corrector holds it', () =>
    given(copyDecider, history)
      .when(cmd('AssignCorrector', { correctorId: OTHER_TEACHER, runId: 'run-2' }, as('admin')))
      .thenThrows('ILLEGAL_STATE', /holds this copy/));

  it('is not expired 1 ms before the lease ends', () =>
    given(copyDecider, history)
      .when(cmd('ExpireLock', {}, as('system', 'system', msBefore(LEASE_END))))
      .then([]));

  it('is expired exactly when the lease ends', () =>
    given(copyDecider, history)
      .when(cmd('ExpireLock', {}, as('system', 'system', LEASE_END)))
      .then([{ type: 'LockExpired', data: { copyId: COPY, holderId: CORRECTOR, leaseUntil: LEASE_END } }]));

  it('refuses a lock expiry asked by anyone but the system', () =>
    given(copyDecider, history)
      .when(cmd('ExpireLock', {}, as('admin', ADMIN, LEASE_END)))
      .thenThrows('FORBIDDEN'));

  it('is force-released by an admin with a reason', () =>
    given(copyDecider, history)
      .when(cmd('ForceReleaseLock', { reason: 'teacher is ill' }, as('admin')))
      .then([{ type: 'LockForceReleased', data: { copyId: COPY, holderId: CORRECTOR, adminId: ADMIN, reason: 'teacher is ill' } }]));

  it.each([
    ['blank', '  '],
    ['over 500 characters', 'x'.repeat(501)],
  ])('refuses a force-release with a %s reason', (_label, reason) =>
    given(copyDecider, history)
      .when(cmd('ForceReleaseLock', { reason }, as('admin')))
      .thenThrows('VALIDATION', /reason/),
  );

  it('accepts a force-release reason of exactly 500 characters', () =>
    expect(
      given(copyDecider, history)
        .when(cmd('ForceReleaseLock', { reason: 'x'.repeat(500) }, as('admin')))
        .events(),
    ).toHaveLength(1));

  it('refuses a force-release by a teacher', () =>
    given(copyDecider, history)
      .when(cmd('ForceReleaseLock', { reason: 'mine now' }, as('teacher', OTHER_TEACHER)))
      .thenThrows('FORBIDDEN'));

  it('takes its corrector’s annotations', () =>
    given(copyDecider, history)
      .when(cmd('AddAnnotation', { annotation: tick() }, as('teacher')))
      .then([{ type: 'AnnotationAdded', data: { copyId: COPY, annotation: tick() } }]));
});

describe('a copy locked by another corrector', () => {
  // The corrector holds it; the admin and a second teacher come to it without the lock.
  const history = [imported(), assigned(), locked(CORRECTOR)];

  it('refuses the lock to an admin: locked by another', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('admin', ADMIN, addMinutes(T0, 5))))
      .thenThrows('CONFLICT', /locked by another/));

  it('refuses a score from an admin who has not taken the lock', () =>
    given(copyDecider, history)
      .when(awardScore('q1', 2, as('admin')))
      .thenThrows('FORBIDDEN', /you do not hold this copy's lock/));

  it('refuses an annotation from another teacher', () =>
    given(copyDecider, history)
      .when(cmd('AddAnnotation', { annotation: tick() }, as('teacher', OTHER_TEACHER)))
      .thenThrows('FORBIDDEN', /you do not hold this copy's lock/));

  it('refuses a heartbeat from a teacher it is not assigned to as not theirs, not as a lost lease', () =>
    given(copyDecider, history)
      .when(cmd('RenewLock', {}, as('teacher', OTHER_TEACHER)))
      .thenThrows('FORBIDDEN', /not in your lot/));

  it('refuses a heartbeat from someone else', () =>
    given(copyDecider, history)
      .when(cmd('RenewLock', {}, as('admin')))
      .thenThrows('CONFLICT', /you do not hold this copy's lock/));

  it('refuses an unlock from someone else', () =>
    given(copyDecider, history)
      .when(cmd('UnlockCopy', {}, as('admin')))
      .thenThrows('FORBIDDEN', /force-releases/));

  it('refuses the lock to its corrector while an admin holds it', () =>
    given(copyDecider, [imported(), assigned(), locked(ADMIN)])
      .when(cmd('LockCopy', {}, as('teacher')))
      .thenThrows('CONFLICT', /locked by another/));
});

describe('a copy whose lease ran out', () => {
  const history = [imported(), assigned(), locked(CORRECTOR)];
  const later = addMinutes(T0, 45);

  it('refuses a score from the former holder until they lock again', () =>
    given(copyDecider, history)
      .when(awardScore('q1', 2, as('teacher', CORRECTOR, later)))
      .thenThrows('CONFLICT', /lease expired/));

  it('refuses a heartbeat: the lease is gone', () =>
    given(copyDecider, history)
      .when(cmd('RenewLock', {}, as('teacher', CORRECTOR, later)))
      .thenThrows('CONFLICT', /lease expired/));

  it('is free for an admin, recording the expiry first', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('admin', ADMIN, later)))
      .then([
        { type: 'LockExpired', data: { copyId: COPY, holderId: CORRECTOR, leaseUntil: LEASE_END } },
        locked(ADMIN, addMinutes(later, 30)),
      ]));

  it('is locked afresh by its corrector', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('teacher', CORRECTOR, later)))
      .then([
        { type: 'LockExpired', data: { copyId: COPY, holderId: CORRECTOR, leaseUntil: LEASE_END } },
        locked(CORRECTOR, addMinutes(later, 30)),
      ]));

  it('refuses a force-release: nothing is locked', () =>
    given(copyDecider, history)
      .when(cmd('ForceReleaseLock', { reason: 'stuck' }, as('admin', ADMIN, later)))
      .thenThrows('ILLEGAL_STATE'));

  it('is released by its former holder, and ignored by anyone else', () => {
    given(copyDecider, history)
      .when(cmd('UnlockCopy', {}, as('teacher', CORRECTOR, later)))
      .then([{ type: 'CopyUnlocked', data: { copyId: COPY, holderId: CORRECTOR } }]);
    given(copyDecider, history)
      .when(cmd('UnlockCopy', {}, as('admin', ADMIN, later)))
      .then([]);
  });
});

describe('the lock helpers', () => {
  const copy = state([imported(), assigned(), locked(CORRECTOR)]);

  it('say the lease is live until 1 ms before it ends, and over at its end', () => {
    expect(isLockLive(copy, msBefore(LEASE_END))).toBe(true);
    expect(isLockLive(copy, LEASE_END)).toBe(false);
  });

  it('say only the holder holds it, and only while it is live', () => {
    expect(holds(copy, CORRECTOR, T0)).toBe(true);
    expect(holds(copy, ADMIN, T0)).toBe(false);
    expect(holds(copy, CORRECTOR, LEASE_END)).toBe(false);
  });
});

describe('annotating a locked copy', () => {
  const history = [imported(), assigned(), locked(CORRECTOR)];
  const add = (annotation: unknown) =>
    given(copyDecider, history).when(cmd('AddAnnotation', { annotation: annotation as Annotation }, as('teacher')));

  it.each<Annotation>([
    pen(),
    { ...pen(), kind: 'highlighter', strokeWidth: 0.02 },
    box(),
    comment(),
    tick(),
    { ...tick(), kind: 'cross' },
  ])('accepts a $kind', (annotation) => add(annotation).then([{ type: 'AnnotationAdded', data: { copyId: COPY, annotation } }]));

  it.each([
    ['x above 1', { ...tick(), x: 1.01 }],
    ['a negative y', { ...tick(), y: -0.1 }],
    [
      'a stroke point off the page',
      {
        ...pen(),
        points: [
          [0.5, 0.5],
          [1.2, 0.5],
        ],
      },
    ],
    ['a box past the page edge', { ...box(), x: 0.8, w: 0.3 }],
  ])('refuses %s', (_label, annotation) => add(annotation).thenThrows('VALIDATION', /page/));

  it('refuses a page of another copy', () => add({ ...tick(), pageId: 'p9' }).thenThrows('VALIDATION', /page of this copy/));

  it('refuses an unknown kind', () => add({ ...tick(), kind: 'arrow' }).thenThrows('VALIDATION', /kind/));

  it('refuses an id that is not a uuid', () => add({ ...tick(), annotationId: 'a-1' }).thenThrows('VALIDATION', /uuid/));

  it('takes a stroke of 5,000 points and refuses one of 5,001', () => {
    const points = (n: number) => Array.from({ length: n }, (_, i) => [i / n, 0.5]);
    expect(add({ ...pen(), points: points(5000) }).events()).toHaveLength(1);
    add({ ...pen(), points: points(5001) }).thenThrows('VALIDATION', /5000 points/);
  });

  it.each([0, 0.2])('refuses a stroke width of %p', (strokeWidth) =>
    add({ ...pen(), strokeWidth }).thenThrows('VALIDATION', /strokeWidth/),
  );

  it('refuses a colour that is not #rrggbb', () => add({ ...pen(), color: 'red' }).thenThrows('VALIDATION', /#rrggbb/));

  it('stores ids and colours in lower case, so a retry compares equal', () =>
    add({ ...pen(), annotationId: ANNOTATION_ID.toUpperCase(), color: '#D62828' }).then([
      { type: 'AnnotationAdded', data: { copyId: COPY, annotation: pen() } },
    ]));

  it('takes a comment of 2,000 characters and refuses one of 2,001', () => {
    expect(add({ ...comment(), text: 'é'.repeat(2000) }).events()).toHaveLength(1);
    add({ ...comment(), text: 'é'.repeat(2001) }).thenThrows('VALIDATION', /2000 characters/);
  });

  it('refuses a score on an annotation: the question carries the score', () =>
    add({ ...tick(), score: 2 }).thenThrows('VALIDATION', /carry no score/));

  it('ignores an annotation sent again with the same content', () =>
    given(copyDecider, [...history, added(tick())])
      .when(cmd('AddAnnotation', { annotation: tick() }, as('teacher')))
      .then([]));

  it('refuses an existing annotation id with other content', () =>
    given(copyDecider, [...history, added(tick())])
      .when(cmd('AddAnnotation', { annotation: { ...tick(), x: 0.9 } }, as('teacher')))
      .thenThrows('CONFLICT', /already has this id/));
});

describe('an annotated copy', () => {
  const history = [imported(), assigned(), locked(CORRECTOR), added(comment())];

  it('has an annotation edited', () =>
    given(copyDecider, history)
      .when(cmd('EditAnnotation', { annotation: { ...comment(), text: 'see the method' } }, as('teacher')))
      .then([{ type: 'AnnotationEdited', data: { copyId: COPY, annotation: { ...comment(), text: 'see the method' } } }]));

  it('ignores an edit that changes nothing', () =>
    given(copyDecider, history)
      .when(cmd('EditAnnotation', { annotation: comment() }, as('teacher')))
      .then([]));

  it('refuses to edit an unknown annotation', () =>
    given(copyDecider, history)
      .when(cmd('EditAnnotation', { annotation: { ...comment(), annotationId: '11111111-2222-4333-8444-555555555555' } }, as('teacher')))
      .thenThrows('NOT_FOUND'));

  it('has an annotation removed', () =>
    given(copyDecider, history)
      .when(cmd('RemoveAnnotation', { annotationId: ANNOTATION_ID }, as('teacher')))
      .then([{ type: 'AnnotationRemoved', data: { copyId: COPY, annotationId: ANNOTATION_ID } }]));

  it('refuses to remove an unknown annotation, or one already removed', () => {
    given(copyDecider, history)
      .when(cmd('RemoveAnnotation', { annotationId: 'constructor' }, as('teacher')))
      .thenThrows('NOT_FOUND');
    given(copyDecider, [...history, removed(ANNOTATION_ID)])
      .when(cmd('RemoveAnnotation', { annotationId: ANNOTATION_ID }, as('teacher')))
      .thenThrows('NOT_FOUND');
  });
});

describe('scoring a locked copy', () => {
  const history = [imported(), assigned(), locked(CORRECTOR)];

  it('records the score with the scale version it was read on', () =>
    given(copyDecider, history)
      .when(awardScore('q1', 3.5))
      .then([scored('q1', 3.5)]));

  it.each([
    ['above the maximum to the maximum', 'q1', 7, 4],
    ['below zero to zero', 'q1', -1, 0],
    ['1.24 down to the 0.5 step', 'q1', 1.24, 1],
    ['1.25 up to the 0.5 step (half up)', 'q1', 1.25, 1.5],
    ['0.35 up to the 0.1 step despite binary fractions', 'q3', 0.35, 0.4],
    ['0.7 on the 0.1 step without binary dust', 'q3', 0.7, 0.7],
    ['4.4 down to the 2 step under an odd maximum', 'q2', 4.4, 4],
    ['4.5 up to full marks when the maximum is off the step', 'q2', 4.5, 5],
  ])('clamps and rounds %s', (_label, questionId, points, expected) =>
    given(copyDecider, history)
      .when(awardScore(questionId, points))
      .then([scored(questionId, expected)]),
  );

  it('refuses a question that is not on the grading scale', () =>
    given(copyDecider, history)
      .when(awardScore('q9', 1))
      .thenThrows('VALIDATION', /unknown question q9/));

  it('refuses points that are not a number', () =>
    given(copyDecider, history)
      .when(awardScore('q1', Number.NaN))
      .thenThrows('VALIDATION', /points/));

  it('refuses a malformed grading scale', () =>
    given(copyDecider, history)
      .when(
        cmd(
          'AwardScore',
          { questionId: 'q1', points: 1, scale: { version: 2, questions: [{ questionId: 'q1', maxPoints: 4, step: 0 }] } },
          as('teacher'),
        ),
      )
      .thenThrows('VALIDATION', /grading scale/));

  it('ignores the score it already has, even before rounding', () =>
    given(copyDecider, [...history, scored('q1', 1.5)])
      .when(awardScore('q1', 1.4))
      .then([]));

  it('has a remark written on a question', () =>
    given(copyDecider, history)
      .when(cmd('WriteRemark', { questionId: 'q1', text: 'good start', scale: SCALE }, as('teacher')))
      .then([{ type: 'RemarkWritten', data: { copyId: COPY, questionId: 'q1', text: 'good start' } }]));

  it('refuses a remark over 2,000 characters or on an unknown question', () => {
    given(copyDecider, history)
      .when(cmd('WriteRemark', { questionId: 'q1', text: 'x'.repeat(2001), scale: SCALE }, as('teacher')))
      .thenThrows('VALIDATION', /2000/);
    given(copyDecider, history)
      .when(cmd('WriteRemark', { questionId: 'q9', text: 'ok', scale: SCALE }, as('teacher')))
      .thenThrows('VALIDATION', /unknown question/);
  });

  it('ignores the remark it already has', () =>
    given(copyDecider, [...history, remarked('q1', 'ok')])
      .when(cmd('WriteRemark', { questionId: 'q1', text: 'ok', scale: SCALE }, as('teacher')))
      .then([]));

  it('ignores the appreciation it already has', () =>
    given(copyDecider, [...history, { type: 'AppreciationWritten', data: { copyId: COPY, text: 'Solid work.' } } as CopyEvent])
      .when(cmd('WriteAppreciation', { text: 'Solid work.' }, as('teacher')))
      .then([]));

  it('has an appreciation written, up to 4,000 characters', () => {
    given(copyDecider, history)
      .when(cmd('WriteAppreciation', { text: 'Solid work.' }, as('teacher')))
      .then([{ type: 'AppreciationWritten', data: { copyId: COPY, text: 'Solid work.' } }]);
    given(copyDecider, history)
      .when(cmd('WriteAppreciation', { text: 'x'.repeat(4001) }, as('teacher')))
      .thenThrows('VALIDATION', /4000/);
  });
});

describe('finalising a copy', () => {
  const history = [imported(), assigned(), locked(CORRECTOR)];
  const allScored = [...history, scored('q1', 4), scored('q2', 2.5), scored('q3', 0.2)];

  it('totals the scores and releases the lock', () =>
    given(copyDecider, allScored)
      .when(cmd('FinalizeCopy', { scale: SCALE }, as('teacher')))
      .then([
        { type: 'CopyFinalized', data: { copyId: COPY, total: 6.7, max: 10, scaleVersion: 2 } },
        { type: 'CopyUnlocked', data: { copyId: COPY, holderId: CORRECTOR } },
      ]));

  it('totals without floating-point dust', () => {
    const tenths: GradingScaleSnapshot = {
      version: 2,
      questions: [
        { questionId: 'a', maxPoints: 1, step: 0.1 },
        { questionId: 'b', maxPoints: 1, step: 0.1 },
      ],
    };
    given(copyDecider, [...history, scored('a', 0.1), scored('b', 0.2)])
      .when(cmd('FinalizeCopy', { scale: tenths }, as('teacher')))
      .then([
        { type: 'CopyFinalized', data: { copyId: COPY, total: 0.3, max: 2, scaleVersion: 2 } },
        { type: 'CopyUnlocked', data: { copyId: COPY, holderId: CORRECTOR } },
      ]);
  });

  it('refuses while questions are unscored, naming them', () =>
    given(copyDecider, [...history, scored('q1', 4)])
      .when(cmd('FinalizeCopy', { scale: SCALE }, as('teacher')))
      .thenThrows('VALIDATION', /not scored yet: q2, q3/));

  it('refuses a score above a maximum lowered since it was given', () =>
    given(copyDecider, allScored)
      .when(cmd('FinalizeCopy', { scale: { version: 3, questions: [{ questionId: 'q1', maxPoints: 3, step: 0.5 }] } }, as('teacher')))
      .thenThrows('VALIDATION', /above the maximum of grading scale v3: q1/));

  it('refuses anyone but the holder', () =>
    given(copyDecider, allScored)
      .when(cmd('FinalizeCopy', { scale: SCALE }, as('admin')))
      .thenThrows('FORBIDDEN', /lock/));
});

describe('a finalised copy', () => {
  const history = [imported(), assigned(), locked(CORRECTOR), scored('q1', 4), scored('q2', 5), scored('q3', 1), ...finalized()];

  it('refuses an annotation', () =>
    given(copyDecider, history)
      .when(cmd('AddAnnotation', { annotation: tick() }, as('teacher')))
      .thenThrows('ILLEGAL_STATE', /finalised/));

  it('refuses a score', () =>
    given(copyDecider, history)
      .when(awardScore('q1', 3))
      .thenThrows('ILLEGAL_STATE', /finalised/));

  it('refuses another teacher without telling them it is finalised', () =>
    given(copyDecider, history)
      .when(awardScore('q1', 3, as('teacher', OTHER_TEACHER)))
      .thenThrows('FORBIDDEN', /not in your lot/));

  it('cannot be locked', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('teacher')))
      .thenThrows('ILLEGAL_STATE', /finalised/));

  it('cannot be given to another corrector', () =>
    given(copyDecider, history)
      .when(cmd('AssignCorrector', { correctorId: OTHER_TEACHER, runId: 'run-2' }, as('admin')))
      .thenThrows('ILLEGAL_STATE', /finalised/));

  it('is reopened by an admin with a reason', () =>
    given(copyDecider, history)
      .when(cmd('ReopenCopy', { reason: 'score appeal' }, as('admin')))
      .then([{ type: 'CopyReopened', data: { copyId: COPY, adminId: ADMIN, reason: 'score appeal' } }]));

  it('refuses a reopening by a teacher, or without a reason', () => {
    given(copyDecider, history)
      .when(cmd('ReopenCopy', { reason: 'oops' }, as('teacher')))
      .thenThrows('FORBIDDEN');
    given(copyDecider, history)
      .when(cmd('ReopenCopy', { reason: '' }, as('admin')))
      .thenThrows('VALIDATION', /reason/);
  });
});

describe('a reopened copy', () => {
  const history = [
    imported(),
    assigned(),
    locked(CORRECTOR),
    scored('q1', 4),
    scored('q2', 5),
    scored('q3', 1),
    ...finalized(),
    reopened(),
  ];

  it('refuses a score until its corrector locks it again', () =>
    given(copyDecider, history)
      .when(awardScore('q1', 3))
      .thenThrows('FORBIDDEN', /lock it first/));

  it('is locked again by its corrector', () =>
    given(copyDecider, history)
      .when(cmd('LockCopy', {}, as('teacher')))
      .then([locked(CORRECTOR)]));

  it('cannot be reopened twice', () =>
    given(copyDecider, history)
      .when(cmd('ReopenCopy', { reason: 'again' }, as('admin')))
      .thenThrows('ILLEGAL_STATE', /only a finalised/));
});

describe('the copy state', () => {
  it('moves through imported, identified, assigned, in progress, finalised and back to in progress', () => {
    const steps: CopyEvent[] = [imported(), identified(STUDENT), assigned(), locked(CORRECTOR), ...finalized(), reopened()];
    const statuses = steps.reduce<{ copy: CopyState; seen: string[] }>(
      ({ copy, seen }, event) => {
        const next = evolveCopy(copy, event);
        return { copy: next, seen: [...seen, next.status] };
      },
      { copy: initialCopyState(), seen: [] },
    ).seen;
    expect(statuses).toEqual(['imported', 'identified', 'assigned', 'in_progress', 'finalised', 'finalised', 'in_progress']);
  });

  it('exposes what projections and the API read', () => {
    const copy = state([
      imported(),
      identified(STUDENT),
      assigned(),
      locked(CORRECTOR),
      added(tick()),
      scored('q1', 4),
      remarked('q1', 'clear'),
      { type: 'AppreciationWritten', data: { copyId: COPY, text: 'Well argued.' } } as CopyEvent,
      { type: 'PagesReordered', data: { copyId: COPY, pageIds: ['p2', 'p1'] } } as CopyEvent,
    ]);
    expect(copy).toMatchObject({
      copyId: COPY,
      examId: EXAM,
      anonymousCode: 'K-042',
      studentId: STUDENT,
      identificationMethod: 'manual',
      correctorId: CORRECTOR,
      lock: { holderId: CORRECTOR, leaseUntil: LEASE_END },
      annotations: { [ANNOTATION_ID]: tick() },
      scores: { q1: { points: 4, scaleVersion: 2 } },
      remarks: { q1: 'clear' },
      appreciation: 'Well argued.',
      finalised: null,
    });
    expect(copy.pages.map((page) => page.pageId)).toEqual(['p2', 'p1']);
  });

  it('forgets a removed annotation, a cleared remark and a released lock, and keeps the final total', () => {
    const copy = state([
      imported(),
      assigned(),
      locked(CORRECTOR),
      added(tick()),
      removed(ANNOTATION_ID),
      remarked('q1', 'draft'),
      remarked('q1', ''),
      ...finalized(),
    ]);
    expect(copy.annotations).toEqual({});
    expect(copy.remarks).toEqual({});
    expect(copy.lock).toBeNull();
    expect(copy.finalised).toEqual({ total: 10, max: 10, scaleVersion: 2 });
  });
});

// ——— fixtures ———

/** Three questions: q1 /4 step 0.5, q2 /5 step 2 (max off the step), q3 /1 step 0.1. */
const SCALE: GradingScaleSnapshot = {
  version: 2,
  questions: [
    { questionId: 'q1', maxPoints: 4, step: 0.5 },
    { questionId: 'q2', maxPoints: 5, step: 2 },
    { questionId: 'q3', maxPoints: 1, step: 0.1 },
  ],
};

function as(role: Role, actorId = defaultActor(role), now = T0): CommandMetadata {
  return { actorId, actorRole: role, now };
}

function defaultActor(role: Role): string {
  return { admin: ADMIN, teacher: CORRECTOR, student: STUDENT, system: 'system' }[role];
}

function cmd<T extends CopyCommandType>(
  type: T,
  data: Extract<CopyCommand, { type: T }>['data'],
  metadata: CommandMetadata,
): Extract<CopyCommand, { type: T }> {
  return { type, data, metadata } as Extract<CopyCommand, { type: T }>;
}

function awardScore(questionId: string, points: number, metadata = as('teacher')): CopyCommand {
  return cmd('AwardScore', { questionId, points, scale: SCALE }, metadata);
}

function state(events: CopyEvent[]): CopyState {
  return events.reduce(evolveCopy, initialCopyState());
}

function msBefore(iso: string): string {
  return new Date(Date.parse(iso) - 1).toISOString();
}

function importData() {
  return {
    copyId: COPY,
    examId: EXAM,
    scanId: SCAN,
    pages: [
      { pageId: 'p1', number: 1, imageBlobKey: 'pages/p1.png' },
      { pageId: 'p2', number: 2 },
    ],
    anonymousCode: 'K-042',
  };
}

function headerData() {
  return { engine: 'tesseract', text: 'DUPONT Marie', candidates: [{ studentId: STUDENT, score: 0.93 }], confidence: 0.88 };
}

function imported(): CopyEvent {
  return { type: 'CopyImported', data: importData() };
}

function identified(studentId: string, method: 'auto' | 'manual' = 'manual'): CopyEvent {
  return { type: 'StudentIdentified', data: { copyId: COPY, studentId, method, by: method === 'auto' ? 'system' : ADMIN } };
}

function assigned(correctorId = CORRECTOR): CopyEvent {
  return { type: 'CopyAssigned', data: { copyId: COPY, correctorId, runId: 'run-1' } };
}

function locked(holderId: string, leaseUntil = LEASE_END): CopyEvent {
  return { type: 'CopyLocked', data: { copyId: COPY, holderId, leaseUntil } };
}

function renewed(holderId: string, leaseUntil: string): CopyEvent {
  return { type: 'LockRenewed', data: { copyId: COPY, holderId, leaseUntil } };
}

function flagged(reason: 'no_header' | 'other', note?: string): CopyEvent {
  return { type: 'CopyFlagged', data: { copyId: COPY, reason, ...(note === undefined ? {} : { note }) } };
}

function cleared(studentId: string): CopyEvent {
  return { type: 'IdentificationCleared', data: { copyId: COPY, studentId, by: ADMIN } };
}

function removed(annotationId: string): CopyEvent {
  return { type: 'AnnotationRemoved', data: { copyId: COPY, annotationId } };
}

function remarked(questionId: string, text: string): CopyEvent {
  return { type: 'RemarkWritten', data: { copyId: COPY, questionId, text } };
}

function added(annotation: Annotation): CopyEvent {
  return { type: 'AnnotationAdded', data: { copyId: COPY, annotation } };
}

function scored(questionId: string, points: number): CopyEvent {
  return { type: 'ScoreAwarded', data: { copyId: COPY, questionId, points, scaleVersion: 2 } };
}

function finalized(): CopyEvent[] {
  return [
    { type: 'CopyFinalized', data: { copyId: COPY, total: 10, max: 10, scaleVersion: 2 } },
    { type: 'CopyUnlocked', data: { copyId: COPY, holderId: CORRECTOR } },
  ];
}

function reopened(): CopyEvent {
  return { type: 'CopyReopened', data: { copyId: COPY, adminId: ADMIN, reason: 'score appeal' } };
}

function tick(): MarkAnnotation {
  return { annotationId: ANNOTATION_ID, pageId: 'p1', kind: 'tick', x: 0.4, y: 0.6 };
}

function pen(): StrokeAnnotation {
  return {
    annotationId: ANNOTATION_ID,
    pageId: 'p2',
    kind: 'pen',
    points: [
      [0.1, 0.1],
      [0.2, 0.25],
    ],
    strokeWidth: 0.002,
    color: '#d62828',
  };
}

function box(): BoxAnnotation {
  return { annotationId: ANNOTATION_ID, pageId: 'p1', kind: 'box', x: 0.1, y: 0.2, w: 0.5, h: 0.1 };
}

function comment(): CommentAnnotation {
  return { annotationId: ANNOTATION_ID, pageId: 'p1', kind: 'comment', x: 0.7, y: 0.3, text: 'justify this step' };
}
