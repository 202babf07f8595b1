import { type CopyEvent, type CopyState, type ScanState, copyDecider, copyStreamId } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { Runtime } from '../../runtime/runtime.js';
import { type Actor, loadStream } from '../../shared/execute-command.js';
import type { PageTransfers } from './page-transfers.js';

export interface CopyStream {
  readonly copyId: string;
  readonly state: CopyState;
  readonly events: readonly RecordedEvent[];
}

/**
 * Every copy the scan's pages went through, read from the streams: the copies the split cut, then,
 * transfer by transfer, the copies their pages were moved, split or merged into (discarded ones
 * included, since their history names where their pages went). The read models are not asked: right
 * after a crash they may not show yet the transfers a re-cut must account for.
 */
export const loadScanCopies = async (runtime: Runtime, scan: ScanState): Promise<Map<string, CopyStream>> => {
  const loaded = new Map<string, CopyStream>();
  let next = (scan.copies ?? []).map((copy) => copy.copyId);
  while (next.length > 0) {
    const batch = [...new Set(next)].filter((copyId) => !loaded.has(copyId));
    next = [];
    const streams = await Promise.all(
      batch.map(async (copyId) => ({ copyId, ...(await loadStream(runtime.store, copyStreamId(copyId), copyDecider)) })),
    );
    for (const stream of streams) {
      loaded.set(stream.copyId, stream);
      for (const event of stream.events) {
        if (event.type === 'PagesDetached') next.push((event.data as { toCopyId: string }).toCopyId);
      }
    }
  }
  return loaded;
};

/** The live copies of the scan itself, with at least one page. */
export const liveCopiesOf = (loaded: ReadonlyMap<string, CopyStream>, scanId: string): CopyStream[] =>
  [...loaded.values()].filter(
    ({ state }) => state.copyId !== null && state.scanId === scanId && !state.discarded && state.pages.length > 0,
  );

/**
 * Lands every transfer a crash left detached among these copies (PagesDetached written, the target
 * never told): a detached page is in no copy, so a re-cut planned before it lands would leave it out.
 * Answers how many were landed; each landing is idempotent (PageTransfers.complete).
 */
export const landDetachedTransfers = async (
  loaded: ReadonlyMap<string, CopyStream>,
  transfers: PageTransfers,
  actor: Actor,
): Promise<number> => {
  let landed = 0;
  for (const { copyId, state, events } of loaded.values()) {
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as unknown as CopyEvent;
      if (event.type !== 'PagesDetached') continue;
      const { data } = event;
      const target = loaded.get(data.toCopyId)?.state;
      const arrived = target && (data.newCopy ? target.copyId !== null : target.transferIds.includes(data.transferId));
      if (arrived || state.examId === null || state.scanId === null) continue;
      await transfers.complete(
        {
          transferId: data.transferId,
          examId: state.examId,
          scanId: state.scanId,
          fromCopyId: copyId,
          toCopyId: data.toCopyId,
          pages: data.pages,
          position: data.position,
          newCopy: data.newCopy,
        },
        actor,
      );
      landed++;
    }
  }
  return landed;
};
