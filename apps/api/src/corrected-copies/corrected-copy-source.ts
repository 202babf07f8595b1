import { createCanvas, loadImage } from '@napi-rs/canvas';
import {
  type CopyState,
  type ExamState,
  type GradingQuestion,
  copyDecider,
  copyStreamId,
  examDecider,
  examStreamId,
  headerRegionOf,
  studentDecider,
  studentStreamId,
} from '#domain';
import type { RecordedEvent } from '#event-store';
import type { Runtime } from '../runtime/runtime.js';
import { loadStream } from '../shared/execute-command.js';
import { type ImageRead, correctorImage, readImage } from '../files/corrector-image.js';
import { sniffImage } from '../files/send-image.js';
import type { CorrectedCopyPdfInput } from './pdf/build-corrected-copy-pdf.js';

/**
 * Everything one corrected-copy PDF shows, read from the streams (copy, exam, student) and the blob
 * store only, never from a read model: the same events always give the same input, so the same
 * bytes. `revision` is the copy stream revision it was read at: the record is appended there.
 */
export interface CorrectedCopySource {
  readonly copyId: string;
  readonly examId: string;
  readonly revision: bigint;
  /** The copy as read at `revision`: the decider checks the record against it. */
  readonly state: CopyState;
  readonly finalisedRevision: string;
  readonly anonymous: CorrectedCopyPdfInput;
  readonly named: CorrectedCopyPdfInput | null;
}

/** A source that cannot be built (a page without its image): retried later, then reported in the logs. */
export class CorrectedCopySourceError extends Error {}

/**
 * Null when there is nothing to build: the copy is not finalised, or its PDF is already recorded
 * (unless `rebuild`: what a check of determinism asks).
 */
export const loadCorrectedCopySource = async (runtime: Runtime, copyId: string, rebuild = false): Promise<CorrectedCopySource | null> => {
  const { state: copy, revision, events } = await loadStream(runtime.store, copyStreamId(copyId), copyDecider);
  if (!copy.finalised || (copy.correctedPdf !== null && !rebuild) || copy.discarded || revision === null || copy.examId === null)
    return null;
  const finalisedEvent = events.findLast((event) => event.type === 'CopyFinalized');
  if (!finalisedEvent) return null;
  const exam = await loadStream(runtime.store, examStreamId(copy.examId), examDecider);
  const student = copy.studentId === null ? null : await studentOf(runtime, copy.studentId);
  const common = {
    exam: examHeading(exam.state, exam.events),
    anonymousCode: copy.anonymousCode ?? '',
    annotations: Object.values(copy.annotations),
    scale: scaleAt(exam.state, exam.events, copy.finalised.scaleVersion),
    scores: Object.fromEntries(Object.entries(copy.scores).map(([questionId, score]) => [questionId, score.points])),
    remarks: { ...copy.remarks },
    appreciation: copy.appreciation,
    total: copy.finalised.total,
    max: copy.finalised.max,
    finalisedAt: finalisedEvent.metadata.occurredAt ?? finalisedEvent.recordedAt,
  };
  const anonymous = { ...common, student: null, pages: await pageImages(runtime, copy, exam.state, 'anonymous') };
  const named = student ? { ...common, student, pages: await pageImages(runtime, copy, exam.state, 'named') } : null;
  return { copyId, examId: copy.examId, revision, state: copy, finalisedRevision: finalisedEvent.revision.toString(), anonymous, named };
};

const studentOf = async (runtime: Runtime, studentId: string): Promise<NonNullable<CorrectedCopyPdfInput['student']>> => {
  const { state } = await loadStream(runtime.store, studentStreamId(studentId), studentDecider);
  if (!state.enrolled) throw new CorrectedCopySourceError(`student ${studentId} is not enrolled`);
  const { lastName, firstName, className } = state.details;
  return { lastName, firstName, ...(className ? { className } : {}) };
};

/** Title and subject are set once, at creation (the exam decider has no event that changes them). */
const examHeading = (exam: ExamState, events: readonly RecordedEvent[]): CorrectedCopyPdfInput['exam'] => {
  const created = events.find((event) => event.type === 'ExamCreated')?.data as { subject?: string; date?: string } | undefined;
  return { title: exam.title, subject: created?.subject ?? '', ...(created?.date ? { date: created.date } : {}) };
};

/** The scale the copy was finalised on, even when a later version exists. */
const scaleAt = (exam: ExamState, events: readonly RecordedEvent[], version: number): readonly GradingQuestion[] => {
  const defined = events.findLast(
    (event) => event.type === 'GradingScaleDefined' && (event.data as { version?: number }).version === version,
  );
  return (defined?.data as { questions?: GradingQuestion[] } | undefined)?.questions ?? exam.scale?.questions ?? [];
};

/**
 * The view images in reading order. The anonymous variant never carries a name: its first page is the
 * masked image, or the plain one masked here over the exam's header region, as the file route does.
 */
const pageImages = async (runtime: Runtime, copy: CopyState, exam: ExamState, variant: 'anonymous' | 'named') =>
  Promise.all(
    copy.pages.map(async (page, position) => {
      const image =
        variant === 'anonymous' ? correctorImage(page, position) : page.imageBlobKey ? { key: page.imageBlobKey, mask: false } : null;
      // A copy created without a scan: its pages are blank sheets that carry only the annotations.
      if (!image) return { pageId: page.pageId, image: null };
      const read = await readImage(runtime.blobs, image, headerRegionOf(exam));
      if (!read.ok) throw new CorrectedCopySourceError(`page ${page.number}: ${UNREADABLE[read.reason]}`);
      return { pageId: page.pageId, image: await pdfImage(read.bytes) };
    }),
  );

const UNREADABLE: Record<Exclude<ImageRead, { ok: true }>['reason'], string> = {
  missing: 'its image is missing from the blob store',
  too_large: 'its image is too large',
  unknown_format: 'the stored image is not PNG, JPEG or WebP',
  no_region: 'the exam has no header region to mask it with',
};

/** PDF embeds JPEG and PNG only: a WebP view is encoded again as JPEG (deterministic for the same pixels). */
const pdfImage = async (image: Buffer): Promise<Uint8Array> => {
  if (sniffImage(image) !== 'image/webp') return image;
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  canvas.getContext('2d').drawImage(picture, 0, 0);
  return canvas.encode('jpeg', 90);
};
