import type { CopyFlagReason } from '@/graphql/generated';

/**
 * What the admin asks of the split review, whatever the gesture (a drag, a menu, a dialog): each
 * intent is one mutation of the API's split correction.
 */
export type SplitIntent =
  | {
      readonly kind: 'move';
      readonly pageId: string;
      readonly fromCopyId: string;
      readonly toCopyId: string;
      readonly position: number | null;
    }
  | { readonly kind: 'reorder'; readonly copyId: string; readonly pageIds: readonly string[] }
  | { readonly kind: 'split'; readonly copyId: string; readonly atPageId: string }
  | { readonly kind: 'merge'; readonly sourceCopyId: string; readonly targetCopyId: string }
  | { readonly kind: 'clearFlag'; readonly copyId: string; readonly reason: CopyFlagReason }
  | { readonly kind: 'recut'; readonly scanId: string; readonly fromPage: number; readonly pagesPerCopy: number | null };

export interface SplitCopyPages {
  readonly copyId: string;
  readonly pages: readonly { readonly pageId: string }[];
}

/** The page ids of a copy with one page moved to `index` (an index counted before the move). */
export const movedWithin = (pageIds: readonly string[], pageId: string, index: number): string[] => {
  const from = pageIds.indexOf(pageId);
  if (from < 0) return [...pageIds];
  const rest = pageIds.filter((id) => id !== pageId);
  const to = Math.max(0, Math.min(rest.length, index > from ? index - 1 : index));
  return [...rest.slice(0, to), pageId, ...rest.slice(to)];
};

/** A page the admin would re-cut a class scan from, with the scan's pages per copy proposed first. */
export interface RecutRequest {
  readonly scanId: string;
  readonly fromPage: number;
  readonly pagesPerCopy: number;
}

/** What a page's menu offers. */
export type PageMenuAction = 'left' | 'right' | 'move' | 'split' | 'recut';

/** The MIME type a dragged page travels as (another app's drag is ignored). */
export const PAGE_DRAG_TYPE = 'application/x-korrigo-page';

export interface DraggedPage {
  readonly pageId: string;
  readonly copyId: string;
}

/**
 * A page dropped on a copy: before the page at `index`, or at the end (index null). Within its own
 * copy this is a reorder, elsewhere a move; null when nothing would change.
 */
export const dropIntent = (dragged: DraggedPage, target: SplitCopyPages, index: number | null): SplitIntent | null => {
  if (dragged.copyId !== target.copyId) {
    return { kind: 'move', pageId: dragged.pageId, fromCopyId: dragged.copyId, toCopyId: target.copyId, position: index };
  }
  const ids = target.pages.map((page) => page.pageId);
  const next = movedWithin(ids, dragged.pageId, index ?? ids.length);
  return next.every((id, at) => id === ids[at]) ? null : { kind: 'reorder', copyId: target.copyId, pageIds: next };
};

export const readDraggedPage = (transfer: DataTransfer | null): DraggedPage | null => {
  const raw = transfer?.getData(PAGE_DRAG_TYPE);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<DraggedPage>;
    return typeof value.pageId === 'string' && typeof value.copyId === 'string' ? { pageId: value.pageId, copyId: value.copyId } : null;
  } catch {
    return null;
  }
};
