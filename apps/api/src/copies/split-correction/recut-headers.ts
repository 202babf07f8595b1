import { buffer } from 'node:stream/consumers';
import { type CopyPage, type HeaderRegion, MAX_COPY_NOTE_LENGTH, type RecordHeaderRead } from '#domain';
import { type HeaderReader, type RosterEntry, TesseractHeaderReader, cropHeader, matchRoster } from '#ocr';
import type { Runtime } from '../../runtime/runtime.js';

/** The engine name of a header cut from a new first page that OCR could not read: the desk reads it. */
export const RECUT_HEADER_ENGINE = 'recut';
/** The view images are rendered at 150 dpi (scans/pipeline/pipeline-context.ts). */
const VIEW_DPI = 150;
/** A re-cut reads a handful of headers: one worker, started for it and stopped after. */
const OCR_WORKERS = 1;

type HeaderChange = Omit<RecordHeaderRead, 'metadata'>;

/**
 * The header readings of copies whose first page a re-cut changed: the exam's header region is cut
 * from the new first page's view, kept for the identification desk, read by OCR and ranked against
 * the roster, like the import pipeline does. Only candidates come out of it: the copy waits at the
 * desk, since the pipeline's one-batch assignment (which alone may identify automatically) is over.
 * A read that fails still records the crop, so the desk shows the right sheet.
 */
export class RecutHeaders {
  private reader: HeaderReader | null = null;

  constructor(
    private readonly runtime: Runtime,
    private readonly region: HeaderRegion,
    private readonly roster: readonly RosterEntry[],
  ) {}

  async readingOf(copyId: string, first: CopyPage): Promise<HeaderChange> {
    const blob = first.imageBlobKey ? await this.runtime.blobs.get(first.imageBlobKey) : null;
    if (!blob) return unread(undefined);
    const crop = await cropHeader(await buffer(blob.stream), this.region);
    const { key } = await this.runtime.blobs.put(crop);
    try {
      this.reader ??= new TesseractHeaderReader({ dpi: VIEW_DPI, size: OCR_WORKERS });
      const reading = await this.reader.read(crop);
      const confidence = Math.min(1, Math.max(0, reading.confidence));
      const [match] = matchRoster([{ copyId, fields: reading.fields, text: reading.text, confidence }], [...this.roster]);
      return {
        type: 'RecordHeaderRead',
        data: {
          engine: reading.engine,
          text: [...reading.text].slice(0, MAX_COPY_NOTE_LENGTH).join(''),
          candidates: match?.candidates ?? [],
          confidence,
          imageBlobKey: key,
        },
      };
    } catch (error) {
      process.stderr.write(`[recut] header of copy ${copyId} not read: ${error instanceof Error ? error.message : String(error)}\n`);
      return unread(key);
    }
  }

  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = null;
    await reader?.close();
  }
}

const unread = (imageBlobKey: string | undefined): HeaderChange => ({
  type: 'RecordHeaderRead',
  data: { engine: RECUT_HEADER_ENGINE, text: '', candidates: [], confidence: 0, ...(imageBlobKey ? { imageBlobKey } : {}) },
});
