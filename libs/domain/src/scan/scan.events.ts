import type { CopyFlagReason } from '../copy/copy.events.js';
import type { Event } from '../shared/event.js';

/**
 * One uploaded PDF on its own stream `scan-<uuid>` (DESIGN §4, §7): what was received, then what the
 * pipeline made of it, step by step, so that a process restarted at any point resumes from the
 * stream. Type names are stored and never renamed.
 */

/** 'class': one PDF holding a class's copies, cut every `pagesPerCopy` pages; 'single': the whole PDF is one copy. */
export type ScanMode = 'class' | 'single';

/** Where the pipeline was when something went wrong (for the admin, and to resume at the right step). */
export type ScanStage = 'rendering' | 'splitting' | 'importing' | 'reading' | 'matching';

/**
 * `pdfBlobKey` is the sha256 of the PDF: the blob store's key and the duplicate check's (named
 * `…BlobKey` like every blob reference, so snapshots carry the file).
 */
export type ScanUploaded = Event<
  'ScanUploaded',
  {
    scanId: string;
    examId: string;
    fileName: string;
    pdfBlobKey: string;
    size: number;
    pageCount: number;
    pagesPerCopy: number;
    mode: ScanMode;
    uploadedBy: string;
  }
>;

/**
 * A refused upload, kept for the audit trail; its file is not kept. `sha256` is null when the upload
 * was cut off before its end (too large). `code` is the inspector's (EMPTY_FILE, ENCRYPTED, …) and
 * `reason` the French sentence the admin was shown.
 */
export type ScanRejected = Event<
  'ScanRejected',
  {
    scanId: string;
    examId: string;
    fileName: string;
    sha256: string | null;
    size: number;
    code: string;
    reason: string;
    page?: number;
    rejectedBy: string;
  }
>;

/**
 * A page's view image (150 dpi). `maskedImageBlobKey`: the same image with the header region painted
 * over, made for the pages that start a copy, so correctors never receive a name. `headerInkRatio`:
 * the header region's share of dark pixels, for the split's "no header" check.
 */
export type ScanPage = {
  number: number;
  imageBlobKey: string;
  maskedImageBlobKey?: string;
  width: number;
  height: number;
  inkRatio: number;
  headerInkRatio?: number;
};
/** Appended in chunks as pages are rendered: progress, and where a resumed render starts again. */
export type PagesRendered = Event<'PagesRendered', { scanId: string; pages: ScanPage[] }>;

export type ScanCopyPage = { pageId: string; number: number; imageBlobKey: string; maskedImageBlobKey?: string };
/** Copy and page ids are derived from the scan id, so a resumed import writes the same copies again (a no-op). */
export type ScanCopy = { copyId: string; pages: ScanCopyPage[]; flags: CopyFlagReason[] };
export type ScanSplit = Event<'ScanSplit', { scanId: string; copies: ScanCopy[]; warnings: string[] }>;

/** Every copy's header was read and matched: `auto` identified by the pipeline, `desk` left to a person. */
export type ScanIdentified = Event<'ScanIdentified', { scanId: string; auto: number; desk: number }>;
export type ScanCompleted = Event<'ScanCompleted', { scanId: string; copies: number }>;
/** `reason` is French, for the admin; `code` and `page` when the renderer named them. */
export type ScanFailed = Event<'ScanFailed', { scanId: string; stage: ScanStage; reason: string; code?: string; page?: number }>;
/** An admin asks the pipeline to try a failed scan again, from where it stopped. */
export type ScanRetried = Event<'ScanRetried', { scanId: string; by: string }>;

export type ScanEvent = ScanUploaded | ScanRejected | PagesRendered | ScanSplit | ScanIdentified | ScanCompleted | ScanFailed | ScanRetried;

export type ScanEventType = ScanEvent['type'];

export const scanStreamId = (scanId: string): string => `scan-${scanId}`;

/**
 * One file per exam (DESIGN §3 reservation streams): appended with no_stream before ScanUploaded, so
 * the same PDF sent twice for one exam is refused even when both uploads race.
 */
export const scanFileReservationStreamId = (examId: string, sha256: string): string => `scanfile-${examId}-${sha256}`;
