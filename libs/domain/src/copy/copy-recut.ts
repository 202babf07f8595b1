import { MAX_PAGES_PER_COPY } from '../scan/scan.decider.js';
import { illegalState, validation } from '../shared/domain-error.js';
import type { CopyEvent, CopyPage } from './copy.events.js';
import { evolveCopy, initialCopyState } from './copy.state.js';

/**
 * Re-cutting a class scan from page N (a page the scanner skipped shifts every following copy by one):
 * the pages before N stay where they are, the pages from N on are cut again into consecutive copies of
 * `pagesPerCopy`, given to the scan's other copies in scan order (so their anonymous codes survive),
 * with new copies when more are needed and the copies left over emptied and discarded.
 *
 * Pure: the API turns the plan into page transfers. The plan depends only on where the pages are
 * now, so a re-cut interrupted half way and asked again plans just the transfers still to do.
 */

export type RecutCopy = Readonly<{ copyId: string; pages: readonly CopyPage[] }>;

/** One transfer of the plan; `merge` empties `fromCopyId` into `toCopyId` and discards it. */
export type RecutStep =
  | Readonly<{ kind: 'move'; fromCopyId: string; toCopyId: string; pageIds: readonly string[]; position: number; newCopy: boolean }>
  | Readonly<{ kind: 'merge'; fromCopyId: string; toCopyId: string }>
  | Readonly<{ kind: 'reorder'; copyId: string; pageIds: readonly string[] }>;

export type RecutPlan = Readonly<{
  steps: readonly RecutStep[];
  /** Every copy's pages once the plan ran, in scan order (discarded copies absent). */
  layout: readonly RecutCopy[];
  /** Copies whose pages change (kept, reused or created), discarded ones excepted. */
  changed: readonly string[];
  created: readonly string[];
  discarded: readonly string[];
}>;

const firstNumber = (copy: RecutCopy): number => Math.min(...copy.pages.map((page) => page.number));

/** The scan's copies in the paper pile's order: by their first page number. */
export const inScanOrder = (copies: readonly RecutCopy[]): RecutCopy[] =>
  copies
    .filter((copy) => copy.pages.length > 0)
    .sort((a, b) => firstNumber(a) - firstNumber(b) || (a.copyId < b.copyId ? -1 : a.copyId > b.copyId ? 1 : 0));

/**
 * The target layout: copies holding a page before N keep those pages only; the pages from N on, in
 * page order, are cut into chunks given in order to the copies holding none before N, then to
 * `newCopyId(chunkIndex)` (the API derives it from the re-cut id, so a retry names the same copy).
 */
export const recutLayout = (
  copies: readonly RecutCopy[],
  fromPage: number,
  pagesPerCopy: number,
  newCopyId: (chunk: number) => string,
): Map<string, CopyPage[]> => {
  const ordered = inScanOrder(copies);
  const pages = ordered.flatMap((copy) => copy.pages).sort((a, b) => a.number - b.number);
  if (!Number.isInteger(pagesPerCopy) || pagesPerCopy < 1 || pagesPerCopy > MAX_PAGES_PER_COPY) {
    throw validation(`a copy has 1 to ${MAX_PAGES_PER_COPY} pages`, { field: 'pagesPerCopy' });
  }
  const duplicate = pages.find((page, index) => index > 0 && pages[index - 1]!.number === page.number);
  if (duplicate) throw illegalState('two pages of these copies bear the same number', { number: duplicate.number });
  if (!Number.isInteger(fromPage) || !pages.some((page) => page.number === fromPage)) {
    throw validation('no page of this scan bears that number', { field: 'fromPage' });
  }
  const layout = new Map<string, CopyPage[]>();
  const reusable: string[] = [];
  for (const copy of ordered) {
    const before = copy.pages.filter((page) => page.number < fromPage);
    if (before.length > 0) layout.set(copy.copyId, before);
    else reusable.push(copy.copyId);
  }
  const rest = pages.filter((page) => page.number >= fromPage);
  for (let chunk = 0; chunk * pagesPerCopy < rest.length; chunk++) {
    layout.set(reusable[chunk] ?? newCopyId(chunk), rest.slice(chunk * pagesPerCopy, (chunk + 1) * pagesPerCopy));
  }
  return layout;
};

/**
 * The transfers from the copies as they are to the layout, in an order each step may run in: a move
 * never empties a copy (a copy keeps at least one page), a copy left over leaves by a merge once all
 * its remaining pages go to one copy, a new copy is created by its first move. Pages then get their
 * page order by a reorder where the moves did not already give it.
 */
export const planRecut = (
  copies: readonly RecutCopy[],
  fromPage: number,
  pagesPerCopy: number,
  newCopyId: (chunk: number) => string,
): RecutPlan => {
  const ordered = inScanOrder(copies);
  const target = recutLayout(ordered, fromPage, pagesPerCopy, newCopyId);
  const owner = new Map<string, string>();
  for (const [copyId, pages] of target) for (const page of pages) owner.set(page.pageId, copyId);
  const current = new Map(ordered.map((copy) => [copy.copyId, [...copy.pages]]));
  const created = [...target.keys()].filter((copyId) => !current.has(copyId));
  const discarded = ordered.map((copy) => copy.copyId).filter((copyId) => !target.has(copyId));
  const before = new Map(ordered.map((copy) => [copy.copyId, copy.pages.map((page) => page.pageId).join()]));
  const steps: RecutStep[] = [];

  for (;;) {
    const pending = pendingMoves(current, owner);
    if (pending.length === 0) break;
    const step = pending.map((move) => stepFor(move, current, target)).find((candidate) => candidate !== null);
    if (!step) throw illegalState('these copies cannot be re-cut one transfer at a time');
    steps.push(step);
    apply(step, current);
  }
  for (const [copyId, pages] of current) {
    const wanted = target.get(copyId)!.map((page) => page.pageId);
    if (pages.some((page, index) => page.pageId !== wanted[index])) {
      steps.push({ kind: 'reorder', copyId, pageIds: wanted });
      current.set(copyId, [...target.get(copyId)!]);
    }
  }
  const layout = inScanOrder([...target].map(([copyId, pages]) => ({ copyId, pages })));
  const changed = layout
    .map((copy) => copy.copyId)
    .filter(
      (copyId) =>
        before.get(copyId) !==
        current
          .get(copyId)!
          .map((p) => p.pageId)
          .join(),
    );
  return { steps, layout, changed, created, discarded };
};

type Move = { fromCopyId: string; toCopyId: string; pages: CopyPage[] };

/** The pages not where the layout wants them, grouped by source and target, in scan order. */
const pendingMoves = (current: Map<string, CopyPage[]>, owner: Map<string, string>): Move[] => {
  const moves: Move[] = [];
  for (const [fromCopyId, pages] of current) {
    for (const page of pages) {
      const toCopyId = owner.get(page.pageId)!;
      if (toCopyId === fromCopyId) continue;
      const move = moves.find((m) => m.fromCopyId === fromCopyId && m.toCopyId === toCopyId);
      if (move) move.pages.push(page);
      else moves.push({ fromCopyId, toCopyId, pages: [page] });
    }
  }
  return moves;
};

const stepFor = (move: Move, current: Map<string, CopyPage[]>, target: Map<string, CopyPage[]>): RecutStep | null => {
  const source = current.get(move.fromCopyId)!;
  const exists = current.has(move.toCopyId);
  const pageIds = move.pages.map((page) => page.pageId);
  if (move.pages.length < source.length) {
    // Where the pages fall in page order among the target's: most moves then need no reorder.
    const first = move.pages[0]!.number;
    const position = exists ? current.get(move.toCopyId)!.filter((page) => page.number < first).length : 0;
    return { kind: 'move', fromCopyId: move.fromCopyId, toCopyId: move.toCopyId, pageIds, position, newCopy: !exists };
  }
  // Every page left goes to one copy: only a copy the layout drops may be emptied, into a copy that exists.
  if (target.has(move.fromCopyId) || !exists) return null;
  return { kind: 'merge', fromCopyId: move.fromCopyId, toCopyId: move.toCopyId };
};

const apply = (step: RecutStep, current: Map<string, CopyPage[]>): void => {
  if (step.kind === 'reorder') return;
  const source = current.get(step.fromCopyId)!;
  const moving = step.kind === 'merge' ? source : source.filter((page) => step.pageIds.includes(page.pageId));
  const into = current.get(step.toCopyId) ?? [];
  const at = step.kind === 'merge' ? into.length : Math.min(step.position, into.length);
  current.set(step.toCopyId, [...into.slice(0, at), ...moving, ...into.slice(at)]);
  if (step.kind === 'merge') current.delete(step.fromCopyId);
  else
    current.set(
      step.fromCopyId,
      source.filter((page) => !step.pageIds.includes(page.pageId)),
    );
};

/**
 * Whether a copy's identification and header reading were made on the page that is its first page
 * now. A re-cut (or any transfer) that changes the first page makes them stale: an identification
 * read from another sheet is never kept, and the desk must show the header of the right page.
 */
export const staleFirstPage = (events: readonly CopyEvent[]): { identification: boolean; header: boolean } => {
  let state = initialCopyState();
  let identifiedOn: string | null = null;
  let headerOn: string | null = null;
  for (const event of events) {
    state = evolveCopy(state, event);
    if (event.type === 'StudentIdentified') identifiedOn = state.pages[0]?.pageId ?? null;
    if (event.type === 'HeaderRead') headerOn = state.pages[0]?.pageId ?? null;
  }
  const first = state.pages[0]?.pageId ?? null;
  return {
    identification: state.studentId !== null && identifiedOn !== first,
    header: state.header !== null && headerOn !== first,
  };
};
