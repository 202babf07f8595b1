import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import type { CopyStatus } from '@/graphql/generated';

/**
 * Which copies of a lot are shown, and in which order: the lot page and the workspace's
 * next/previous walk the same list, so "next" is the row under the one just corrected. The filter
 * travels in the address (`?etat=a-corriger&code=B7`), which makes it survive a reload and a
 * round trip through the workspace.
 */
export type LotFilter = 'all' | 'todo' | 'inProgress' | 'finalised';
export const LOT_FILTERS: readonly LotFilter[] = ['all', 'todo', 'inProgress', 'finalised'];

const SLUGS: Readonly<Record<LotFilter, string>> = { all: 'toutes', todo: 'a-corriger', inProgress: 'en-cours', finalised: 'corrigees' };

export type LotView = Readonly<{ filter: LotFilter; search: string }>;
export type LotCopy = Readonly<{ copyId: string; anonymousCode: string; status: CopyStatus }>;

export const statusFilter = (status: CopyStatus): Exclude<LotFilter, 'all'> =>
  status === 'FINALISED' ? 'finalised' : status === 'IN_PROGRESS' ? 'inProgress' : 'todo';

/** Codes compare without case, spaces or dashes: "b7 k2" finds B7-K2. */
const normalise = (text: string): string => text.toUpperCase().replace(/[\s-]+/g, '');

export const filterLot = <C extends LotCopy>(copies: readonly C[], view: LotView): C[] => {
  const search = normalise(view.search);
  return copies
    .filter((copy) => view.filter === 'all' || statusFilter(copy.status) === view.filter)
    .filter((copy) => search === '' || normalise(copy.anonymousCode).includes(search))
    .sort((a, b) => a.anonymousCode.localeCompare(b.anonymousCode, 'fr', { numeric: true }));
};

export const countByFilter = (copies: readonly LotCopy[]): Record<LotFilter, number> => {
  const counts: Record<LotFilter, number> = { all: copies.length, todo: 0, inProgress: 0, finalised: 0 };
  for (const copy of copies) counts[statusFilter(copy.status)] += 1;
  return counts;
};

export const viewFromQuery = (query: LocationQuery): LotView => {
  const slug = typeof query['etat'] === 'string' ? query['etat'] : '';
  const filter = LOT_FILTERS.find((candidate) => SLUGS[candidate] === slug) ?? 'all';
  const search = typeof query['code'] === 'string' ? query['code'].slice(0, 40) : '';
  return { filter, search };
};

export const queryFromView = (view: LotView): LocationQueryRaw => ({
  ...(view.filter === 'all' ? {} : { etat: SLUGS[view.filter] }),
  ...(view.search.trim() === '' ? {} : { code: view.search.trim() }),
});

/**
 * The copies shown before and after one, and its place among them (1-based; 0 when the filter hides
 * it). Found in the whole lot's order, so a copy that has just left the filter (finalised while
 * "to correct" is shown) still leads to the row that followed it.
 */
export const neighbours = <C extends LotCopy>(copies: readonly C[], view: LotView, copyId: string) => {
  const all = filterLot(copies, { filter: 'all', search: '' });
  const shown = filterLot(copies, view);
  const visible = new Set(shown.map((copy) => copy.copyId));
  const index = all.findIndex((copy) => copy.copyId === copyId);
  return {
    position: shown.findIndex((copy) => copy.copyId === copyId) + 1,
    count: shown.length,
    previous:
      index < 0
        ? undefined
        : all
            .slice(0, index)
            .reverse()
            .find((copy) => visible.has(copy.copyId)),
    next: index < 0 ? undefined : all.slice(index + 1).find((copy) => visible.has(copy.copyId)),
  };
};
