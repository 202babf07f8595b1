import { MAX_COPY_NOTE_LENGTH, type ScanState } from '#domain';
import { type RosterEntry, matchRoster } from '#ocr';
import { ChangeCopyCommand } from '../../copies/change-copy/change-copy.command.js';
import { HEADER_DPI, HEADER_REGION, PIPELINE_ACTOR, type ScanRun } from './pipeline-context.js';
import { type LoadedCopy, isDiscarded, loadCopies } from './scan-copies.js';

/** Header crops rendered and read together: one render round trip, and the OCR workers kept busy. */
const BATCH = 4;

/**
 * Reads the header of every copy that has no reading yet (a resumed run skips the others): the top
 * of the copy's first page at 300 dpi, kept in the blob store for the identification desk, read by
 * OCR and ranked against the roster, recorded as the copy's HeaderRead.
 */
export const readHeaders = async (run: ScanRun, scan: ScanState, roster: readonly RosterEntry[]): Promise<void> => {
  run.stage = 'reading';
  const copies = (await loadCopies(run.runtime, scan.copies ?? [])).filter(
    (copy) => copy.state.header === null && !isDiscarded(copy) && copy.state.pages.length > 0,
  );
  for (let start = 0; start < copies.length; start += BATCH) {
    run.signal.throwIfAborted();
    await readBatch(run, copies.slice(start, start + BATCH), roster);
  }
};

const readBatch = async (run: ScanRun, copies: readonly LoadedCopy[], roster: readonly RosterEntry[]): Promise<void> => {
  const file = await run.file.path();
  const requests = copies.map((copy) => ({ page: copy.state.pages[0]!.number, region: HEADER_REGION }));
  const crops = await run.engines.renderPool().renderRegions(file, requests, { dpi: HEADER_DPI, signal: run.signal });
  const reader = run.engines.headerReader();
  await Promise.all(
    copies.map(async (copy, index) => {
      const crop = crops.find((candidate) => candidate.number === requests[index]!.page) ?? crops[index];
      if (!crop) throw new Error(`no header crop came back for page ${requests[index]!.page}`);
      const stored = await run.runtime.blobs.put(crop.bytes);
      const reading = await reader.read(crop.bytes);
      const confidence = Math.min(1, Math.max(0, reading.confidence));
      run.fields.set(copy.copyId, reading.fields);
      const [match] = matchRoster([{ copyId: copy.copyId, fields: reading.fields, text: reading.text, confidence }], [...roster]);
      const change = {
        type: 'RecordHeaderRead',
        data: {
          engine: reading.engine,
          text: [...reading.text].slice(0, MAX_COPY_NOTE_LENGTH).join(''),
          candidates: match?.candidates ?? [],
          confidence,
          imageBlobKey: stored.key,
        },
      } as const;
      await run.commands.execute(new ChangeCopyCommand(copy.copyId, PIPELINE_ACTOR, change, { awaitReadModel: false }));
    }),
  );
};
