import type { CommandMetadata, Role } from '../shared/event.js';
import { given } from '../testing/given.js';
import type { CopyCommand, CopyCommandType } from './copy.commands.js';
import { copyDecider } from './copy.decider.js';
import type { CopyEvent, CopyPage } from './copy.events.js';
import { evolveCopy, initialCopyState } from './copy.state.js';

const COPY = 'copy-a';
const TARGET = 'copy-b';
const ADMIN = 'admin-1';
const T0 = '2025-03-10T08:00:00.000Z';
const P1: CopyPage = { pageId: 'p1', number: 1, imageBlobKey: 'a'.repeat(64), maskedImageBlobKey: 'b'.repeat(64) };
const P2: CopyPage = { pageId: 'p2', number: 2, imageBlobKey: 'c'.repeat(64) };
const P3: CopyPage = { pageId: 'p3', number: 3 };

describe('a copy whose pages the exam office corrects', () => {
  const history = [imported([P1, P2, P3])];

  it('keeps the masked image of its first page from the import', () => {
    expect(fold(history).pages[0]).toEqual(P1);
  });

  it('lets a page go to another copy, carrying everything the target needs', () =>
    given(copyDecider, history)
      .when(cmd('DetachPages', { pageIds: ['p2'], toCopyId: TARGET, transferId: 't1', position: 0 }))
      .then([detached(['p2'], { position: 0 })]));

  it('lets the last pages go to a new copy, in its reading order', () =>
    given(copyDecider, [...history, reordered(['p1', 'p3', 'p2'])])
      .when(cmd('DetachPages', { pageIds: ['p2', 'p3'], toCopyId: TARGET, transferId: 't1', newCopy: true }))
      .then([
        {
          type: 'PagesDetached',
          data: { copyId: COPY, transferId: 't1', toCopyId: TARGET, pages: [P3, P2], position: null, newCopy: true },
        },
      ]));

  it('answers nothing to the same transfer sent again', () =>
    given(copyDecider, [...history, detached(['p2'])])
      .when(cmd('DetachPages', { pageIds: ['p2'], toCopyId: TARGET, transferId: 't1' }))
      .then([]));

  it('no longer has a page once it left', () => {
    expect(fold([...history, detached(['p2'])]).pages).toEqual([P1, P3]);
  });

  it('refuses to let every page go: that is a merge', () =>
    given(copyDecider, history)
      .when(cmd('DetachPages', { pageIds: ['p1', 'p2', 'p3'], toCopyId: TARGET, transferId: 't1' }))
      .thenThrows('VALIDATION', /merge the copies instead/));

  it('refuses a page it does not have', () =>
    given(copyDecider, history)
      .when(cmd('DetachPages', { pageIds: ['p9'], toCopyId: TARGET, transferId: 't1' }))
      .thenThrows('VALIDATION', /not in the copy/));

  it('refuses to send pages to itself', () =>
    given(copyDecider, history)
      .when(cmd('DetachPages', { pageIds: ['p2'], toCopyId: COPY, transferId: 't1' }))
      .thenThrows('VALIDATION', /another copy/));

  it('refuses a negative position', () =>
    given(copyDecider, history)
      .when(cmd('DetachPages', { pageIds: ['p2'], toCopyId: TARGET, transferId: 't1', position: -1 }))
      .thenThrows('VALIDATION', /position/));

  it('refuses a teacher', () =>
    given(copyDecider, history)
      .when(cmd('DetachPages', { pageIds: ['p2'], toCopyId: TARGET, transferId: 't1' }, as('teacher')))
      .thenThrows('FORBIDDEN'));

  it('receives pages at the position asked, clamped to its length', () => {
    const attach = given(copyDecider, history).when(
      cmd('AttachPages', { transferId: 't1', fromCopyId: TARGET, pages: [{ pageId: 'q1', number: 7 }], position: 12 }),
    );
    attach.then([attached([{ pageId: 'q1', number: 7 }], 3)]);
    const atFront = fold([...history, attached([{ pageId: 'q1', number: 7 }], 0)]);
    expect(atFront.pages.map((page) => page.pageId)).toEqual(['q1', 'p1', 'p2', 'p3']);
  });

  it('receives pages at the end when no position is given, also from the system completing a transfer', () =>
    given(copyDecider, history)
      .when(cmd('AttachPages', { transferId: 't1', fromCopyId: TARGET, pages: [{ pageId: 'q1', number: 7 }] }, as('system')))
      .then([attached([{ pageId: 'q1', number: 7 }], 3)]));

  it('answers nothing to a transfer it already received', () =>
    given(copyDecider, [...history, attached([{ pageId: 'q1', number: 7 }], 3)])
      .when(cmd('AttachPages', { transferId: 't1', fromCopyId: TARGET, pages: [{ pageId: 'q1', number: 7 }] }, as('system')))
      .then([]));

  it('refuses a page it already has', () =>
    given(copyDecider, history)
      .when(cmd('AttachPages', { transferId: 't1', fromCopyId: TARGET, pages: [P2] }))
      .thenThrows('VALIDATION', /already in the copy/));

  it('is merged into another: identification cleared, every page sent, then discarded', () =>
    given(copyDecider, [...history, identified()])
      .when(cmd('MergeInto', { targetCopyId: TARGET, transferId: 't1' }))
      .then([
        { type: 'IdentificationCleared', data: { copyId: COPY, studentId: 'student-1', by: ADMIN } },
        {
          type: 'PagesDetached',
          data: { copyId: COPY, transferId: 't1', toCopyId: TARGET, pages: [P1, P2, P3], position: null, newCopy: false },
        },
        { type: 'CopyDiscarded', data: { copyId: COPY, intoCopyId: TARGET, by: ADMIN } },
      ]));

  it('refuses to merge into itself', () =>
    given(copyDecider, history)
      .when(cmd('MergeInto', { targetCopyId: COPY, transferId: 't1' }))
      .thenThrows('VALIDATION'));

  it('has a flag cleared, saying how many are left', () =>
    given(copyDecider, [...history, flagged('blank_pages'), flagged('missing_pages'), flagged('blank_pages', 'page 3')])
      .when(cmd('ClearFlag', { reason: 'blank_pages' }))
      .then([{ type: 'CopyFlagCleared', data: { copyId: COPY, reason: 'blank_pages', by: ADMIN, flagsLeft: 1 } }]));

  it('answers nothing when clearing a flag it does not have', () =>
    given(copyDecider, [...history, flagged('missing_pages')])
      .when(cmd('ClearFlag', { reason: 'blank_pages' }))
      .then([]));

  it('refuses clearing a flag by the system', () =>
    given(copyDecider, [...history, flagged('missing_pages')])
      .when(cmd('ClearFlag', { reason: 'missing_pages' }, as('system')))
      .thenThrows('FORBIDDEN'));

  it('keeps the header crop of what OCR read', () =>
    given(copyDecider, history)
      .when(
        cmd(
          'RecordHeaderRead',
          { engine: 'tesseract', text: 'LE GOFF', candidates: [], confidence: 0.4, imageBlobKey: 'd'.repeat(64) },
          as('system'),
        ),
      )
      .then([
        {
          type: 'HeaderRead',
          data: { copyId: COPY, engine: 'tesseract', text: 'LE GOFF', candidates: [], confidence: 0.4, imageBlobKey: 'd'.repeat(64) },
        },
      ]));
});

describe('a copy merged into another', () => {
  const history = [
    imported([P1, P2]),
    detached(['p1', 'p2']),
    { type: 'CopyDiscarded', data: { copyId: COPY, intoCopyId: TARGET, by: ADMIN } } as CopyEvent,
  ];

  it('answers nothing to the retried merge', () =>
    given(copyDecider, history)
      .when(cmd('MergeInto', { targetCopyId: TARGET, transferId: 't1' }))
      .then([]));

  it('takes no other change', () => {
    given(copyDecider, history)
      .when(cmd('IdentifyStudent', { studentId: 'student-1' }))
      .thenThrows('ILLEGAL_STATE', /merged into another/);
    given(copyDecider, history)
      .when(cmd('AttachPages', { transferId: 't2', fromCopyId: 'copy-c', pages: [{ pageId: 'q1', number: 1 }] }, as('system')))
      .thenThrows('ILLEGAL_STATE', /merged into another/);
    given(copyDecider, history).when(cmd('LockCopy', {})).thenThrows('ILLEGAL_STATE');
  });
});

describe('a copy whose correction began', () => {
  const assigned: CopyEvent = { type: 'CopyAssigned', data: { copyId: COPY, correctorId: 'teacher-1', runId: 'run-1' } };
  const locked: CopyEvent = { type: 'CopyLocked', data: { copyId: COPY, holderId: 'teacher-1', leaseUntil: '2025-03-10T08:30:00.000Z' } };
  const unlocked: CopyEvent = { type: 'CopyUnlocked', data: { copyId: COPY, holderId: 'teacher-1' } };

  it('keeps its pages once given to a corrector', () => {
    given(copyDecider, [imported([P1, P2]), assigned])
      .when(cmd('DetachPages', { pageIds: ['p2'], toCopyId: TARGET, transferId: 't1' }))
      .thenThrows('ILLEGAL_STATE', /given to a corrector/);
    given(copyDecider, [imported([P1, P2]), assigned])
      .when(cmd('MergeInto', { targetCopyId: TARGET, transferId: 't1' }))
      .thenThrows('ILLEGAL_STATE', /given to a corrector/);
    given(copyDecider, [imported([P1, P2]), assigned])
      .when(cmd('ReorderPages', { pageIds: ['p2', 'p1'] }))
      .thenThrows('ILLEGAL_STATE', /given to a corrector/);
  });

  it('keeps its pages once someone locked it, even after the lock is released', () =>
    given(copyDecider, [imported([P1, P2]), locked, unlocked])
      .when(cmd('ReorderPages', { pageIds: ['p2', 'p1'] }))
      .thenThrows('ILLEGAL_STATE', /correction has begun/));
});

// ——— fixtures ———

function as(role: Role = 'admin', actorId = role === 'admin' ? ADMIN : role): CommandMetadata {
  return { actorId, actorRole: role, now: T0 };
}

function cmd<T extends CopyCommandType>(
  type: T,
  data: Extract<CopyCommand, { type: T }>['data'],
  metadata = as(),
): Extract<CopyCommand, { type: T }> {
  return { type, data, metadata } as Extract<CopyCommand, { type: T }>;
}

function fold(events: CopyEvent[]) {
  return events.reduce(evolveCopy, initialCopyState());
}

function imported(pages: CopyPage[]): CopyEvent {
  return { type: 'CopyImported', data: { copyId: COPY, examId: 'exam-1', scanId: 'scan-1', pages, anonymousCode: 'K-AB2C' } };
}

function identified(): CopyEvent {
  return { type: 'StudentIdentified', data: { copyId: COPY, studentId: 'student-1', method: 'auto', by: 'system' } };
}

function reordered(pageIds: string[]): CopyEvent {
  return { type: 'PagesReordered', data: { copyId: COPY, pageIds } };
}

function flagged(reason: 'blank_pages' | 'missing_pages', note?: string): CopyEvent {
  return { type: 'CopyFlagged', data: { copyId: COPY, reason, ...(note ? { note } : {}) } };
}

function detached(pageIds: string[], options: { position?: number } = {}): CopyEvent {
  const pages = [P1, P2, P3].filter((page) => pageIds.includes(page.pageId));
  return {
    type: 'PagesDetached',
    data: { copyId: COPY, transferId: 't1', toCopyId: TARGET, pages, position: options.position ?? null, newCopy: false },
  };
}

function attached(pages: CopyPage[], position: number): CopyEvent {
  return { type: 'PagesAttached', data: { copyId: COPY, transferId: 't1', fromCopyId: TARGET, pages, position } };
}
