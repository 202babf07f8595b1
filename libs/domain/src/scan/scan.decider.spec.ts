import type { CommandMetadata, Role } from '../shared/event.js';
import { given } from '../testing/given.js';
import type { ScanCommand } from './scan.commands.js';
import { scanDecider } from './scan.decider.js';
import type { ScanCopy, ScanEvent, ScanPage } from './scan.events.js';
import { copyFirstPages, initialScanState, scanPhase } from './scan.state.js';

const SCAN = '5a1e2b3c-0d4e-4f5a-8b6c-7d8e9f0a1b2c';
const EXAM = 'e3c1d2a0-58f4-4b8e-8f0e-1c2b3a4d5e6f';
const ADMIN = 'admin-1';
const KEY = 'a'.repeat(64);
const T0 = '2025-03-10T08:00:00.000Z';

describe('uploading a scan', () => {
  it('records the file, its pages and how to cut it, with who sent it', () =>
    given(scanDecider, [])
      .when(cmd('UploadScan', uploadData(), as('admin')))
      .then([uploaded()]));

  it('refuses anyone but an admin', () => {
    given(scanDecider, [])
      .when(cmd('UploadScan', uploadData(), as('teacher')))
      .thenThrows('FORBIDDEN');
    given(scanDecider, [])
      .when(cmd('UploadScan', uploadData(), as('system')))
      .thenThrows('FORBIDDEN');
  });

  it('refuses the same scan twice', () =>
    given(scanDecider, [uploaded()])
      .when(cmd('UploadScan', uploadData(), as('admin')))
      .thenThrows('CONFLICT'));

  it('refuses a key that is not a sha256, no pages, or a copy of zero pages', () => {
    given(scanDecider, [])
      .when(cmd('UploadScan', { ...uploadData(), pdfBlobKey: 'x' }, as('admin')))
      .thenThrows('VALIDATION', /pdfBlobKey/);
    given(scanDecider, [])
      .when(cmd('UploadScan', { ...uploadData(), pageCount: 0 }, as('admin')))
      .thenThrows('VALIDATION', /pageCount/);
    given(scanDecider, [])
      .when(cmd('UploadScan', { ...uploadData(), pagesPerCopy: 0 }, as('admin')))
      .thenThrows('VALIDATION', /pagesPerCopy/);
  });

  it('takes a one-copy PDF only with all its pages in the copy', () => {
    const single = { ...uploadData(), mode: 'single' as const, pageCount: 3, pagesPerCopy: 3 };
    expect(
      given(scanDecider, [])
        .when(cmd('UploadScan', single, as('admin')))
        .events(),
    ).toHaveLength(1);
    given(scanDecider, [])
      .when(cmd('UploadScan', { ...single, pagesPerCopy: 2 }, as('admin')))
      .thenThrows('VALIDATION', /one-copy/);
  });
});

describe('a refused upload', () => {
  it('is kept for the audit trail with its code and French reason, and nothing else can happen to it', () => {
    const reject = cmd(
      'RejectScan',
      { scanId: SCAN, examId: EXAM, fileName: 'scan.pdf', sha256: KEY, size: 10, code: 'ENCRYPTED', reason: 'PDF chiffré.' },
      as('admin'),
    );
    const rejected = given(scanDecider, []).when(reject).events();
    expect(rejected).toEqual([
      {
        type: 'ScanRejected',
        data: {
          scanId: SCAN,
          examId: EXAM,
          fileName: 'scan.pdf',
          sha256: KEY,
          size: 10,
          code: 'ENCRYPTED',
          reason: 'PDF chiffré.',
          rejectedBy: ADMIN,
        },
      },
    ]);
    expect(scanPhase(rejected.reduce(scanDecider.evolve, initialScanState()))).toBe('rejected');
    given(scanDecider, rejected)
      .when(cmd('RecordRenderedPages', { pages: [page(1)] }, as('system')))
      .thenThrows('ILLEGAL_STATE');
    given(scanDecider, rejected)
      .when(cmd('RetryScan', {}, as('admin')))
      .thenThrows('ILLEGAL_STATE');
  });

  it('may have no hash when the upload was cut off for its size', () =>
    expect(
      given(scanDecider, [])
        .when(
          cmd(
            'RejectScan',
            { scanId: SCAN, examId: EXAM, fileName: 'gros.pdf', sha256: null, size: 1024, code: 'TOO_LARGE', reason: 'Trop gros.' },
            as('admin'),
          ),
        )
        .events()[0]?.data,
    ).toMatchObject({ sha256: null, code: 'TOO_LARGE' }));
});

describe('rendering pages', () => {
  it('records new pages and leaves out those already recorded, so a resumed render is harmless', () => {
    given(scanDecider, [uploaded(), rendered(1, 2)])
      .when(cmd('RecordRenderedPages', { pages: [page(2), page(3)] }, as('system')))
      .then([{ type: 'PagesRendered', data: { scanId: SCAN, pages: [page(3)] } }]);
    given(scanDecider, [uploaded(), rendered(1, 2)])
      .when(cmd('RecordRenderedPages', { pages: [page(1), page(2)] }, as('system')))
      .then([]);
  });

  it('refuses a page past the end of the PDF or listed twice', () => {
    given(scanDecider, [uploaded()])
      .when(cmd('RecordRenderedPages', { pages: [page(5)] }, as('system')))
      .thenThrows('VALIDATION', /past the end/);
    given(scanDecider, [uploaded()])
      .when(cmd('RecordRenderedPages', { pages: [page(1), page(1)] }, as('system')))
      .thenThrows('VALIDATION', /twice/);
  });

  it('is the pipeline’s work only', () =>
    given(scanDecider, [uploaded()])
      .when(cmd('RecordRenderedPages', { pages: [page(1)] }, as('admin')))
      .thenThrows('FORBIDDEN'));

  it('moves the scan to splitting once every page is in', () => {
    const state = [uploaded(), rendered(1, 2), rendered(3, 4)].reduce(scanDecider.evolve, initialScanState());
    expect(scanPhase(state)).toBe('splitting');
    expect(scanPhase([uploaded(), rendered(1, 2)].reduce(scanDecider.evolve, initialScanState()))).toBe('rendering');
  });
});

describe('splitting into copies', () => {
  const all = [uploaded(), rendered(1, 2), rendered(3, 4)];

  it('records the copies with their pages and flags', () =>
    given(scanDecider, all)
      .when(cmd('SplitScan', { copies: twoCopies(), warnings: ['La copie 2 a une page blanche.'] }, as('system')))
      .then([split()]));

  it('answers nothing when already split (a resumed pipeline)', () =>
    given(scanDecider, [...all, split()])
      .when(cmd('SplitScan', { copies: twoCopies(), warnings: [] }, as('system')))
      .then([]));

  it('waits for every page to be rendered', () =>
    given(scanDecider, [uploaded(), rendered(1, 2)])
      .when(cmd('SplitScan', { copies: twoCopies(), warnings: [] }, as('system')))
      .thenThrows('ILLEGAL_STATE', /rendering/));

  it('refuses a split that loses or repeats a page', () => {
    const [first, second] = twoCopies();
    given(scanDecider, all)
      .when(cmd('SplitScan', { copies: [first!], warnings: [] }, as('system')))
      .thenThrows('VALIDATION', /exactly one copy/);
    const repeated = { ...second!, pages: [second!.pages[0]!, { ...first!.pages[0]!, pageId: 'p-other' }] };
    given(scanDecider, all)
      .when(cmd('SplitScan', { copies: [first!, repeated], warnings: [] }, as('system')))
      .thenThrows('VALIDATION', /exactly one copy/);
  });

  it('refuses an unknown flag', () => {
    const [first, second] = twoCopies();
    given(scanDecider, all)
      .when(cmd('SplitScan', { copies: [first!, { ...second!, flags: ['smudged' as never] }], warnings: [] }, as('system')))
      .thenThrows('VALIDATION', /flag/);
  });
});

describe('identification and completion', () => {
  const splitScan = [uploaded(), rendered(1, 2), rendered(3, 4), split()];

  it('records how many copies were identified automatically, then completes', () => {
    given(scanDecider, splitScan)
      .when(cmd('RecordScanIdentification', { auto: 1, desk: 1 }, as('system')))
      .then([{ type: 'ScanIdentified', data: { scanId: SCAN, auto: 1, desk: 1 } }]);
    const identified: ScanEvent = { type: 'ScanIdentified', data: { scanId: SCAN, auto: 1, desk: 1 } };
    given(scanDecider, [...splitScan, identified])
      .when(cmd('CompleteScan', {}, as('system')))
      .then([{ type: 'ScanCompleted', data: { scanId: SCAN, copies: 2 } }]);
    const completed: ScanEvent = { type: 'ScanCompleted', data: { scanId: SCAN, copies: 2 } };
    given(scanDecider, [...splitScan, identified, completed])
      .when(cmd('CompleteScan', {}, as('system')))
      .then([]);
  });

  it('refuses more identifications than copies, and completing before identification', () => {
    given(scanDecider, splitScan)
      .when(cmd('RecordScanIdentification', { auto: 2, desk: 1 }, as('system')))
      .thenThrows('VALIDATION');
    given(scanDecider, splitScan)
      .when(cmd('CompleteScan', {}, as('system')))
      .thenThrows('ILLEGAL_STATE');
  });
});

describe('a failed scan', () => {
  const failed: ScanEvent = {
    type: 'ScanFailed',
    data: { scanId: SCAN, stage: 'rendering', reason: 'La page 3 met trop de temps à s’afficher.', code: 'RENDER_TIMEOUT', page: 3 },
  };

  it('records where and why, once', () => {
    given(scanDecider, [uploaded(), rendered(1, 2)])
      .when(cmd('FailScan', { stage: 'rendering', reason: failed.data.reason, code: 'RENDER_TIMEOUT', page: 3 }, as('system')))
      .then([failed]);
    given(scanDecider, [uploaded(), failed])
      .when(cmd('FailScan', { stage: 'reading', reason: 'Encore' }, as('system')))
      .then([]);
  });

  it('takes no more work until an admin retries it, then resumes where it stopped', () => {
    given(scanDecider, [uploaded(), rendered(1, 2), failed])
      .when(cmd('RecordRenderedPages', { pages: [page(3)] }, as('system')))
      .thenThrows('ILLEGAL_STATE', /retry/);
    given(scanDecider, [uploaded(), failed])
      .when(cmd('RetryScan', {}, as('teacher')))
      .thenThrows('FORBIDDEN');
    const retried = given(scanDecider, [uploaded(), rendered(1, 2), failed])
      .when(cmd('RetryScan', {}, as('admin')))
      .events();
    expect(retried).toEqual([{ type: 'ScanRetried', data: { scanId: SCAN, by: ADMIN } }]);
    expect(scanPhase([uploaded(), rendered(1, 2), failed, ...retried].reduce(scanDecider.evolve, initialScanState()))).toBe('rendering');
  });

  it('cannot fail once completed, and a scan that has not failed is not retried', () => {
    given(scanDecider, [uploaded()])
      .when(cmd('RetryScan', {}, as('admin')))
      .thenThrows('ILLEGAL_STATE');
    given(scanDecider, [])
      .when(cmd('FailScan', { stage: 'rendering', reason: 'x' }, as('system')))
      .thenThrows('NOT_FOUND');
  });
});

describe('the first pages of copies', () => {
  it('are every pagesPerCopy-th page, the last copy short or not', () => {
    expect(copyFirstPages({ pageCount: 8, pagesPerCopy: 2 })).toEqual([1, 3, 5, 7]);
    expect(copyFirstPages({ pageCount: 7, pagesPerCopy: 2 })).toEqual([1, 3, 5, 7]);
    expect(copyFirstPages({ pageCount: 3, pagesPerCopy: 3 })).toEqual([1]);
  });
});

// ---------------------------------------------------------------------------------------------

function as(role: Role): CommandMetadata {
  return { actorId: role === 'system' ? 'scan-pipeline' : ADMIN, actorRole: role, now: T0 };
}

function cmd<T extends ScanCommand['type']>(
  type: T,
  data: Extract<ScanCommand, { type: T }>['data'],
  metadata: CommandMetadata,
): ScanCommand {
  return { type, data, metadata } as ScanCommand;
}

function uploadData() {
  return {
    scanId: SCAN,
    examId: EXAM,
    fileName: ' TG1.pdf ',
    pdfBlobKey: KEY,
    size: 2048,
    pageCount: 4,
    pagesPerCopy: 2,
    mode: 'class' as const,
  };
}

function uploaded(): ScanEvent {
  return { type: 'ScanUploaded', data: { ...uploadData(), fileName: 'TG1.pdf', uploadedBy: ADMIN } };
}

function page(number: number): ScanPage {
  return { number, imageBlobKey: String(number % 10).repeat(64), width: 1240, height: 1754, inkRatio: 0.05 };
}

function rendered(...numbers: number[]): ScanEvent {
  return { type: 'PagesRendered', data: { scanId: SCAN, pages: numbers.map(page) } };
}

function twoCopies(): ScanCopy[] {
  const copy = (index: number): ScanCopy => ({
    copyId: `copy-${index}`,
    pages: [1, 2].map((offset) => {
      const number = index * 2 + offset;
      return { pageId: `page-${number}`, number, imageBlobKey: page(number).imageBlobKey };
    }),
    flags: index === 1 ? ['blank_pages'] : [],
  });
  return [copy(0), copy(1)];
}

function split(): ScanEvent {
  return { type: 'ScanSplit', data: { scanId: SCAN, copies: twoCopies(), warnings: ['La copie 2 a une page blanche.'] } };
}
