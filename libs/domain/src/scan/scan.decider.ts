import { allow, boundedText, optionalText, requiredText } from '../copy/copy.guards.js';
import type { CopyFlagReason } from '../copy/copy.events.js';
import { conflict, illegalState, notFound, validation } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { RecordRenderedPages, ScanCommand, SplitScan, UploadScan } from './scan.commands.js';
import type { ScanCopy, ScanCopyPage, ScanEvent, ScanPage, ScanStage } from './scan.events.js';
import { evolveScan, initialScanState, scanPhase, type ScanState } from './scan.state.js';

export const MAX_PAGES_PER_COPY = 100;
export const MAX_SCAN_FILE_NAME = 255;
const MAX_REASON = 1_000;
const MAX_WARNINGS = 1_000;
const STAGES: readonly ScanStage[] = ['rendering', 'splitting', 'importing', 'reading', 'matching'];
const FLAGS: readonly CopyFlagReason[] = ['missing_pages', 'blank_pages', 'duplicate_pages', 'no_header', 'other'];
const BLOB_KEY = /^[0-9a-f]{64}$/;

/**
 * decide(command, scan) → events. The upload and its refusal come from the admin's request; every
 * later step from the pipeline ('system'), which may repeat a step after a crash or a lost race: a
 * step already recorded answers nothing, so a repeat is harmless.
 */
export const decideScan = (command: ScanCommand, scan: ScanState): ScanEvent[] => {
  const { metadata } = command;
  switch (command.type) {
    case 'UploadScan':
      return uploadScan(command, scan);
    case 'RejectScan': {
      allow(metadata, 'admin');
      if (scan.scanId !== null) throw conflict('this scan already exists', { scanId: scan.scanId });
      const { data } = command;
      const page = data.page === undefined ? {} : { page: positiveInteger(data.page, 'page') };
      if (data.sha256 !== null) blobKey(data.sha256, 'sha256');
      return [
        {
          type: 'ScanRejected',
          data: {
            scanId: requiredText(data.scanId, 'scanId'),
            examId: requiredText(data.examId, 'examId'),
            fileName: fileName(data.fileName),
            sha256: data.sha256,
            size: count(data.size, 'size'),
            code: requiredText(data.code, 'code', 50),
            reason: requiredText(data.reason, 'reason', MAX_REASON),
            ...page,
            rejectedBy: metadata.actorId,
          },
        },
      ];
    }
    case 'RecordRenderedPages':
      return recordRenderedPages(command, scan);
    case 'SplitScan':
      return splitScan(command, scan);
    case 'RecordScanIdentification': {
      allow(metadata, 'system');
      if (scan.identified !== null) return [];
      const scanId = working(scan, 'identifying');
      const auto = count(command.data.auto, 'auto');
      const desk = count(command.data.desk, 'desk');
      if (auto + desk > (scan.copies?.length ?? 0)) throw validation('more identifications than copies', { auto, desk });
      return [{ type: 'ScanIdentified', data: { scanId, auto, desk } }];
    }
    case 'CompleteScan': {
      allow(metadata, 'system');
      if (scan.completed) return [];
      const scanId = working(scan, 'completing');
      return [{ type: 'ScanCompleted', data: { scanId, copies: scan.copies?.length ?? 0 } }];
    }
    case 'FailScan': {
      allow(metadata, 'system');
      const scanId = existing(scan);
      if (scan.rejected || scan.completed) throw illegalState('this scan is over: it cannot fail any more');
      if (scan.failure) return [];
      const { stage, code, page } = command.data;
      if (!STAGES.includes(stage)) throw validation(`unknown stage: ${String(stage)}`, { field: 'stage' });
      const reason = requiredText(command.data.reason, 'reason', MAX_REASON);
      const named = optionalText(code, 'code', 50);
      return [
        {
          type: 'ScanFailed',
          data: {
            scanId,
            stage,
            reason,
            ...(named === undefined ? {} : { code: named }),
            ...(page === undefined ? {} : { page: positiveInteger(page, 'page') }),
          },
        },
      ];
    }
    case 'RetryScan': {
      allow(metadata, 'admin');
      const scanId = existing(scan);
      if (!scan.failure || scan.rejected) throw illegalState('only a failed scan can be retried');
      return [{ type: 'ScanRetried', data: { scanId, by: metadata.actorId } }];
    }
  }
};

const uploadScan = ({ data, metadata }: UploadScan, scan: ScanState): ScanEvent[] => {
  allow(metadata, 'admin');
  if (scan.scanId !== null) throw conflict('this scan already exists', { scanId: scan.scanId });
  const pageCount = positiveInteger(data.pageCount, 'pageCount');
  const pagesPerCopy = positiveInteger(data.pagesPerCopy, 'pagesPerCopy');
  if (data.mode !== 'class' && data.mode !== 'single') throw validation(`unknown mode: ${String(data.mode)}`, { field: 'mode' });
  if (data.mode === 'class' && pagesPerCopy > MAX_PAGES_PER_COPY) {
    throw validation(`a copy has at most ${MAX_PAGES_PER_COPY} pages`, { field: 'pagesPerCopy' });
  }
  if (data.mode === 'single' && pagesPerCopy !== pageCount) {
    throw validation('a one-copy PDF has all its pages in its copy', { field: 'pagesPerCopy' });
  }
  return [
    {
      type: 'ScanUploaded',
      data: {
        scanId: requiredText(data.scanId, 'scanId'),
        examId: requiredText(data.examId, 'examId'),
        fileName: fileName(data.fileName),
        pdfBlobKey: blobKey(data.pdfBlobKey, 'pdfBlobKey'),
        size: positiveInteger(data.size, 'size'),
        pageCount,
        pagesPerCopy,
        mode: data.mode,
        uploadedBy: metadata.actorId,
      },
    },
  ];
};

const recordRenderedPages = ({ data, metadata }: RecordRenderedPages, scan: ScanState): ScanEvent[] => {
  allow(metadata, 'system');
  const scanId = existing(scan);
  if (scan.rejected) throw illegalState('a rejected scan has no pages');
  if (scan.failure) throw illegalState('this scan failed: retry it first');
  const pages = (Array.isArray(data.pages) ? data.pages : []).map((page) => renderedPage(page, scan.pageCount));
  if (new Set(pages.map((page) => page.number)).size !== pages.length) throw validation('a page is listed twice', { field: 'pages' });
  const fresh = pages.filter((page) => !Object.hasOwn(scan.pages, String(page.number)));
  return fresh.length === 0 ? [] : [{ type: 'PagesRendered', data: { scanId, pages: fresh } }];
};

const renderedPage = (page: ScanPage, pageCount: number): ScanPage => {
  const number = positiveInteger(page.number, 'number');
  if (number > pageCount) throw validation(`page ${number} is past the end of the scan (${pageCount} pages)`, { field: 'number' });
  const masked =
    page.maskedImageBlobKey === undefined ? {} : { maskedImageBlobKey: blobKey(page.maskedImageBlobKey, 'maskedImageBlobKey') };
  const header = page.headerInkRatio === undefined ? {} : { headerInkRatio: ratio(page.headerInkRatio, 'headerInkRatio') };
  return {
    number,
    imageBlobKey: blobKey(page.imageBlobKey, 'imageBlobKey'),
    ...masked,
    width: positiveInteger(page.width, 'width'),
    height: positiveInteger(page.height, 'height'),
    inkRatio: ratio(page.inkRatio, 'inkRatio'),
    ...header,
  };
};

/** Every page of the scan in exactly one copy: the split may flag a copy, never lose or repeat a page. */
const splitScan = ({ data, metadata }: SplitScan, scan: ScanState): ScanEvent[] => {
  allow(metadata, 'system');
  if (scan.copies !== null) return [];
  const scanId = working(scan, 'splitting');
  if (!Array.isArray(data.copies) || data.copies.length === 0) throw validation('a scan has at least one copy', { field: 'copies' });
  const copies = data.copies.map((copy): ScanCopy => {
    const listed: readonly ScanCopyPage[] = Array.isArray(copy.pages) ? copy.pages : [];
    if (listed.length === 0) throw validation('a copy has at least one page', { field: 'pages' });
    const flags = Array.isArray(copy.flags) ? [...copy.flags] : [];
    const unknown = flags.find((flag) => !FLAGS.includes(flag));
    if (unknown !== undefined) throw validation(`unknown flag: ${String(unknown)}`, { field: 'flags' });
    const pages = listed.map((page) => {
      const masked =
        page.maskedImageBlobKey === undefined ? {} : { maskedImageBlobKey: blobKey(page.maskedImageBlobKey, 'maskedImageBlobKey') };
      return {
        pageId: requiredText(page.pageId, 'pageId'),
        number: positiveInteger(page.number, 'number'),
        imageBlobKey: blobKey(page.imageBlobKey, 'imageBlobKey'),
        ...masked,
      };
    });
    return { copyId: requiredText(copy.copyId, 'copyId'), pages, flags };
  });
  const pages = copies.flatMap((copy) => copy.pages);
  const numbers = new Set(pages.map((page) => page.number));
  if (new Set(copies.map((copy) => copy.copyId)).size !== copies.length) throw validation('a copy is listed twice', { field: 'copies' });
  if (new Set(pages.map((page) => page.pageId)).size !== pages.length) throw validation('a page id is listed twice', { field: 'pages' });
  if (numbers.size !== pages.length || pages.length !== scan.pageCount || pages.some((page) => page.number > scan.pageCount)) {
    throw validation(`every page of the scan (1 to ${scan.pageCount}) belongs to exactly one copy`, { field: 'copies' });
  }
  const warnings = (Array.isArray(data.warnings) ? data.warnings : []).slice(0, MAX_WARNINGS).map((w) => boundedText(w, 'warning', 500));
  return [{ type: 'ScanSplit', data: { scanId, copies, warnings } }];
};

const existing = (scan: ScanState): string => {
  if (scan.scanId === null) throw notFound('no such scan');
  return scan.scanId;
};

/** The scan's id when the pipeline is at `phase`; the refusal names where it really is. */
const working = (scan: ScanState, phase: ReturnType<typeof scanPhase>): string => {
  const scanId = existing(scan);
  const now = scanPhase(scan);
  if (now !== phase) throw illegalState(`the scan is ${now === 'failed' ? 'failed: retry it first' : `at ${now}, not ${phase}`}`);
  return scanId;
};

const fileName = (value: unknown): string => requiredText(value, 'fileName', MAX_SCAN_FILE_NAME).trim();

const blobKey = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || !BLOB_KEY.test(value)) throw validation(`${field} is not a sha256 blob key`, { field });
  return value;
};

const positiveInteger = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw validation(`${field} is a whole number from 1`, { field });
  return value;
};

const count = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw validation(`${field} is a whole number from 0`, { field });
  return value;
};

const ratio = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw validation(`${field} is between 0 and 1`, { field });
  return value;
};

export const scanDecider: Decider<ScanState, ScanCommand, ScanEvent> = {
  initialState: initialScanState,
  evolve: evolveScan,
  decide: decideScan,
};
