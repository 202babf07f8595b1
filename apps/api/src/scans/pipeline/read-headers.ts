import { buffer } from 'node:stream/consumers';
import { MAX_COPY_NOTE_LENGTH, type ScanState } from '#domain';
import { type RosterEntry, cropHeader, matchRoster } from '#ocr';
import { mapLimited } from '../../shared/command-context.js';
import { ChangeCopyCommand } from '../../copies/change-copy/change-copy.command.js';
import type { ReadHeader } from './header-readings.js';
import { PIPELINE_ACTOR, type ScanRun } from './pipeline-context.js';
import { type LoadedCopy, isDiscarded, loadCopies } from './scan-copies.js';

/**
 * Copies whose reading is awaited and recorded at once: enough to keep the OCR workers fed on a resumed
 * run, and, on a first run, to record the readings started while rendering without waiting on each commit.
 */
const PARALLEL = 8;

/**
 * Records the header reading of every copy that has none yet (a resumed run skips the others): the
 * top of the copy's first page, kept in the blob store for the identification desk, read by OCR and
 * ranked against the roster, recorded as the copy's HeaderRead. Most readings were started while the
 * pages rendered; one this process did not start (a resumed run) is read now from the stored view.
 */
export const readHeaders = async (run: ScanRun, scan: ScanState, roster: readonly RosterEntry[]): Promise<void> => {
  run.stage = 'reading';
  const copies = (await loadCopies(run.runtime, scan.copies ?? [])).filter(
    (copy) => copy.state.header === null && !isDiscarded(copy) && copy.state.pages.length > 0,
  );
  await mapLimited(copies, PARALLEL, async (copy) => {
    run.signal.throwIfAborted();
    const { crop, reading } = await headerOf(run, copy);
    const stored = await run.runtime.blobs.put(crop);
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
  });
};

const headerOf = async (run: ScanRun, copy: LoadedCopy): Promise<ReadHeader> => {
  const first = copy.state.pages[0]!;
  if (!first.imageBlobKey) throw new Error(`page ${first.number} of copy ${copy.copyId} has no image to read its header from`);
  const started = run.headers.take(first.imageBlobKey);
  if (started) return started;
  const blob = await run.runtime.blobs.get(first.imageBlobKey);
  if (!blob) throw new Error(`the image of page ${first.number} (blob ${first.imageBlobKey}) is missing from the blob store`);
  const crop = await cropHeader(await buffer(blob.stream), run.headerRegion);
  return { crop, reading: await run.engines.headerReader().read(crop) };
};
