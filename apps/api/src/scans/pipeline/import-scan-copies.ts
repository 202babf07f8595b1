import type { ScanCopy, ScanState } from '#domain';
import { ChangeCopyCommand } from '../../copies/change-copy/change-copy.command.js';
import { ImportCopiesCommand } from '../../copies/import-copies/import-copies.command.js';
import { MAX_COPIES_PER_IMPORT } from '../../copies/import-copies/import-copies.handler.js';
import { PIPELINE_ACTOR, type ScanRun } from './pipeline-context.js';
import { loadCopies } from './scan-copies.js';

/**
 * Imports the split's copies through the copies' own command (anonymous codes and all). A copy
 * already imported is answered as is, so a resumed run imports nothing twice. Each copy then gets
 * the split's flags — once: a copy whose flags someone already handled is left alone.
 */
export const importScanCopies = async (run: ScanRun, scan: ScanState): Promise<void> => {
  run.stage = 'importing';
  const copies = scan.copies ?? [];
  for (let start = 0; start < copies.length; start += MAX_COPIES_PER_IMPORT) {
    const batch = copies.slice(start, start + MAX_COPIES_PER_IMPORT);
    await run.commands.execute(new ImportCopiesCommand(PIPELINE_ACTOR, scan.examId!, run.scanId, batch.map(toImport)));
  }
  const flagged = copies.filter((copy) => copy.flags.length > 0);
  for (const copy of await loadCopies(run.runtime, flagged)) {
    if (copy.events.some((event) => event.type === 'CopyFlagged' || event.type === 'CopyFlagCleared')) continue;
    const split = flagged.find((candidate) => candidate.copyId === copy.copyId)!;
    for (const reason of split.flags) {
      const note = reason === 'missing_pages' ? `Copie incomplète : ${split.pages.length} page(s) sur ${scan.pagesPerCopy}.` : undefined;
      const change = { type: 'FlagCopy', data: note ? { reason, note } : { reason } } as const;
      await run.commands.execute(new ChangeCopyCommand(copy.copyId, PIPELINE_ACTOR, change, { awaitReadModel: false }));
    }
  }
};

const toImport = (copy: ScanCopy) => ({
  copyId: copy.copyId,
  pages: copy.pages.map(({ pageId, number, imageBlobKey, maskedImageBlobKey }) => ({
    pageId,
    number,
    imageBlobKey,
    ...(maskedImageBlobKey ? { maskedImageBlobKey } : {}),
  })),
});
