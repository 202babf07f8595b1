import { type RosterEntry } from '#ocr';
import { renderedCount, scanDecider, scanPhase, scanStreamId } from '#domain';
import { loadStream } from '../../shared/execute-command.js';
import { examRoster } from './exam-roster.js';
import { importScanCopies } from './import-scan-copies.js';
import { matchCopies } from './match-copies.js';
import type { ScanRun } from './pipeline-context.js';
import { readHeaders } from './read-headers.js';
import { renderPages } from './render-pages.js';
import { splitScan } from './split-scan.js';
import { metrics } from '../../metrics/metrics.js';

/**
 * Takes one scan from wherever its stream says it is to the end, step by step, reading the stream
 * again after each: the stream, not this process's memory, says what is done.
 */
export const runScan = async (run: ScanRun): Promise<void> => {
  let roster: RosterEntry[] | null = null;
  let previous = '';
  for (;;) {
    run.signal.throwIfAborted();
    const { state } = await loadStream(run.runtime.store, scanStreamId(run.scanId), scanDecider);
    const phase = scanPhase(state);
    // A step that records nothing new would loop for ever: that is a bug to report, not to repeat.
    const progress = `${phase}:${renderedCount(state)}`;
    if (progress === previous) throw new Error(`the ${phase} step made no progress`);
    previous = progress;
    switch (phase) {
      case 'rendering':
        await renderPages(run, state);
        break;
      case 'splitting':
        await splitScan(run, state);
        break;
      case 'identifying': {
        await importScanCopies(run, state);
        roster ??= await examRoster(run.runtime, state.examId!);
        await readHeaders(run, state, roster);
        const counts = await matchCopies(run, state, roster);
        await run.record({ type: 'RecordScanIdentification', data: counts });
        break;
      }
      case 'completing':
        await run.record({ type: 'CompleteScan', data: {} });
        metrics.scans.inc({ outcome: 'completed' });
        break;
      default:
        return; // completed, failed, rejected, or no such scan
    }
  }
};
