import type { ScanCopy, ScanEvent, ScanMode, ScanPage, ScanStage } from './scan.events.js';

/** A scan as its events tell it: plain JSON-shaped data, like every state the audit view shows. */
export type ScanState = Readonly<{
  /** null until ScanUploaded or ScanRejected. */
  scanId: string | null;
  examId: string | null;
  fileName: string;
  /** The uploaded PDF in the blob store; null for a refused upload. */
  pdfBlobKey: string | null;
  pageCount: number;
  pagesPerCopy: number;
  mode: ScanMode;
  rejected: boolean;
  /** Rendered pages by page number (as text: JSON has no integer keys). */
  pages: Readonly<Record<string, ScanPage>>;
  /** null until ScanSplit. */
  copies: readonly ScanCopy[] | null;
  warnings: readonly string[];
  identified: Readonly<{ auto: number; desk: number }> | null;
  completed: boolean;
  failure: Readonly<{ stage: ScanStage; reason: string; code?: string; page?: number }> | null;
}>;

/**
 * What the pipeline does next: the one place that orders the steps.
 * 'none' (no such scan), 'rejected', 'completed' and 'failed' need nothing more from it.
 */
export type ScanPhase = 'none' | 'rejected' | 'rendering' | 'splitting' | 'identifying' | 'completing' | 'completed' | 'failed';

export const initialScanState = (): ScanState => ({
  scanId: null,
  examId: null,
  fileName: '',
  pdfBlobKey: null,
  pageCount: 0,
  pagesPerCopy: 0,
  mode: 'class',
  rejected: false,
  pages: {},
  copies: null,
  warnings: [],
  identified: null,
  completed: false,
  failure: null,
});

export const renderedCount = (scan: ScanState): number => Object.keys(scan.pages).length;

export const scanPhase = (scan: ScanState): ScanPhase => {
  if (scan.scanId === null) return 'none';
  if (scan.rejected) return 'rejected';
  if (scan.completed) return 'completed';
  if (scan.failure) return 'failed';
  if (renderedCount(scan) < scan.pageCount) return 'rendering';
  if (scan.copies === null) return 'splitting';
  if (scan.identified === null) return 'identifying';
  return 'completing';
};

/** The page numbers that start a copy, known before the split since the split never guesses (fixed pages per copy). */
export const copyFirstPages = (scan: Pick<ScanState, 'pageCount' | 'pagesPerCopy'>): number[] => {
  const step = Math.max(1, scan.pagesPerCopy);
  return Array.from({ length: Math.ceil(scan.pageCount / step) }, (_, index) => index * step + 1);
};

export const evolveScan = (scan: ScanState, event: ScanEvent): ScanState => {
  switch (event.type) {
    case 'ScanUploaded': {
      const { scanId, examId, fileName, pdfBlobKey, pageCount, pagesPerCopy, mode } = event.data;
      return { ...scan, scanId, examId, fileName, pdfBlobKey, pageCount, pagesPerCopy, mode };
    }
    case 'ScanRejected': {
      const { scanId, examId, fileName } = event.data;
      return { ...scan, scanId, examId, fileName, rejected: true };
    }
    case 'PagesRendered':
      return { ...scan, pages: { ...scan.pages, ...Object.fromEntries(event.data.pages.map((page) => [String(page.number), page])) } };
    case 'ScanSplit':
      return { ...scan, copies: event.data.copies, warnings: event.data.warnings };
    case 'ScanIdentified':
      return { ...scan, identified: { auto: event.data.auto, desk: event.data.desk } };
    case 'ScanCompleted':
      return { ...scan, completed: true };
    case 'ScanFailed': {
      const { stage, reason, code, page } = event.data;
      return {
        ...scan,
        failure: { stage, reason, ...(code === undefined ? {} : { code }), ...(page === undefined ? {} : { page }) },
      };
    }
    case 'ScanRetried':
      return { ...scan, failure: null };
  }
  // An event type this version does not know (written by a newer one) changes nothing it relies on.
  return scan;
};
