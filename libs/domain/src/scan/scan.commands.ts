import type { Command } from '../shared/event.js';
import type { ScanCopy, ScanPage, ScanRejected, ScanStage, ScanUploaded } from './scan.events.js';

/**
 * What the upload endpoint (admin) and the scan pipeline (system) ask of a scan. Fields are checked
 * again at run time: they come from a multipart form and from processors.
 */
export type UploadScan = Command<'UploadScan', Omit<ScanUploaded['data'], 'uploadedBy'>>;
export type RejectScan = Command<'RejectScan', Omit<ScanRejected['data'], 'rejectedBy'>>;
/** Pages already recorded are left out: a resumed render may send them again. */
export type RecordRenderedPages = Command<'RecordRenderedPages', { pages: readonly ScanPage[] }>;
export type SplitScan = Command<'SplitScan', { copies: readonly ScanCopy[]; warnings: readonly string[] }>;
export type RecordScanIdentification = Command<'RecordScanIdentification', { auto: number; desk: number }>;
export type CompleteScan = Command<'CompleteScan'>;
export type FailScan = Command<'FailScan', { stage: ScanStage; reason: string; code?: string; page?: number }>;
export type RetryScan = Command<'RetryScan'>;

export type ScanCommand =
  UploadScan | RejectScan | RecordRenderedPages | SplitScan | RecordScanIdentification | CompleteScan | FailScan | RetryScan;
