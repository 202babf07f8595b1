import { illegalState, validation } from '../shared/domain-error.js';
import type { AttachPages, ClearFlag, DetachPages, MergeInto, ReorderPages } from './copy.commands.js';
import type { CopyEvent, CopyFlagReason, CopyPage } from './copy.events.js';
import { allow, optionalText, requiredText } from './copy.guards.js';
import type { CopyState } from './copy.state.js';

/**
 * A copy's pages as the exam office corrects a split (DESIGN §7 "manual correction"): reorder, move
 * a page to another copy, split a copy in two, merge two copies, clear a flag. Pages only change
 * before correction: once a copy is given to a corrector, locked or written on, they are fixed.
 */

export const FLAG_REASONS: readonly CopyFlagReason[] = ['missing_pages', 'blank_pages', 'duplicate_pages', 'no_header', 'other'];

/** Throws unless the copy's pages may still change: nobody assigned, never locked, nothing written. */
export const assertPagesEditable = (copy: CopyState): void => {
  if (copy.discarded) throw illegalState('this copy was merged into another', { intoCopyId: copy.discarded.intoCopyId });
  const written =
    Object.keys(copy.annotations).length > 0 ||
    Object.keys(copy.scores).length > 0 ||
    Object.keys(copy.remarks).length > 0 ||
    copy.appreciation !== '';
  if (copy.finalised || copy.started || copy.lock !== null || written) {
    throw illegalState('correction has begun on this copy: its pages can no longer change');
  }
  if (copy.correctorId !== null) throw illegalState('this copy is already given to a corrector: its pages can no longer change');
};

/** A page as imports and transfers carry it, checked field by field (it comes from processors and GraphQL). */
export const parsePage = (page: CopyPage): CopyPage => {
  const pageId = requiredText(page?.pageId, 'pageId');
  const number = page.number;
  if (!Number.isInteger(number) || number < 1) throw validation('a page number is a whole number from 1', { field: 'number' });
  const imageBlobKey = optionalText(page.imageBlobKey, 'imageBlobKey', 500);
  const maskedImageBlobKey = optionalText(page.maskedImageBlobKey, 'maskedImageBlobKey', 500);
  return {
    pageId,
    number,
    ...(imageBlobKey === undefined ? {} : { imageBlobKey }),
    ...(maskedImageBlobKey === undefined ? {} : { maskedImageBlobKey }),
  };
};

export const parsePages = (pages: unknown): CopyPage[] => {
  if (!Array.isArray(pages) || pages.length === 0) throw validation('a copy has at least one page', { field: 'pages' });
  const parsed = (pages as CopyPage[]).map(parsePage);
  if (new Set(parsed.map((page) => page.pageId)).size !== parsed.length)
    throw validation('a page appears twice in the copy', { field: 'pages' });
  return parsed;
};

const position = (value: unknown): number | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw validation('a position is a whole number from 0', { field: 'position' });
  }
  return value;
};

export const reorderPages = ({ data, metadata }: ReorderPages, copy: CopyState, copyId: string): CopyEvent[] => {
  allow(metadata, 'admin', 'system');
  const current = copy.pages.map((page) => page.pageId);
  const pageIds = Array.isArray(data.pageIds) ? [...data.pageIds] : [];
  const isPermutation =
    pageIds.length === current.length && new Set(pageIds).size === current.length && pageIds.every((id) => current.includes(id));
  if (!isPermutation) throw validation("the new order must list each of the copy's pages once", { field: 'pageIds' });
  if (pageIds.every((id, index) => id === current[index])) return [];
  assertPagesEditable(copy);
  return [{ type: 'PagesReordered', data: { copyId, pageIds } }];
};

export const clearFlag = ({ data, metadata }: ClearFlag, copy: CopyState, copyId: string): CopyEvent[] => {
  allow(metadata, 'admin');
  if (!FLAG_REASONS.includes(data.reason)) throw validation(`unknown flag reason: ${String(data.reason)}`, { field: 'reason' });
  const flagsLeft = copy.flags.filter((flag) => flag.reason !== data.reason).length;
  if (flagsLeft === copy.flags.length) return [];
  return [{ type: 'CopyFlagCleared', data: { copyId, reason: data.reason, by: metadata.actorId, flagsLeft } }];
};

/** The source half of a move or split; the pages leave in the source's reading order. */
export const detachPages = ({ data, metadata }: DetachPages, copy: CopyState, copyId: string): CopyEvent[] => {
  allow(metadata, 'admin');
  const transferId = requiredText(data.transferId, 'transferId');
  const toCopyId = requiredText(data.toCopyId, 'toCopyId');
  if (copy.transferIds.includes(transferId)) return [];
  if (toCopyId === copyId) throw validation('pages move to another copy', { field: 'toCopyId' });
  const at = position(data.position);
  const pageIds = Array.isArray(data.pageIds) ? data.pageIds : [];
  if (pageIds.length === 0) throw validation('name at least one page', { field: 'pageIds' });
  if (new Set(pageIds).size !== pageIds.length) throw validation('a page is named twice', { field: 'pageIds' });
  const missing = pageIds.filter((id) => !copy.pages.some((page) => page.pageId === id));
  if (missing.length > 0) throw validation('this page is not in the copy', { field: 'pageIds', pageId: missing[0]! });
  if (pageIds.length === copy.pages.length)
    throw validation('a copy keeps at least one page: merge the copies instead', { field: 'pageIds' });
  assertPagesEditable(copy);
  const pages = copy.pages.filter((page) => pageIds.includes(page.pageId));
  return [{ type: 'PagesDetached', data: { copyId, transferId, toCopyId, pages, position: at, newCopy: data.newCopy === true } }];
};

/**
 * The target half. It does not ask whether the target is still editable: the transfer was decided
 * when the source let the pages go (the handler checked the target just before), and pages already
 * detached must land somewhere rather than be lost. A discarded target refuses: the caller follows
 * its `intoCopyId`.
 */
export const attachPages = ({ data, metadata }: AttachPages, copy: CopyState, copyId: string): CopyEvent[] => {
  allow(metadata, 'admin', 'system');
  const transferId = requiredText(data.transferId, 'transferId');
  const fromCopyId = requiredText(data.fromCopyId, 'fromCopyId');
  if (copy.transferIds.includes(transferId)) return [];
  const pages = parsePages(data.pages);
  const present = pages.find((page) => copy.pages.some((own) => own.pageId === page.pageId));
  if (present) throw validation('this page is already in the copy', { field: 'pages', pageId: present.pageId });
  const at = Math.min(position(data.position) ?? copy.pages.length, copy.pages.length);
  return [{ type: 'PagesAttached', data: { copyId, transferId, fromCopyId, pages, position: at } }];
};

/** Merging empties the source into the target: its identification is cleared, it is discarded. */
export const mergeInto = ({ data, metadata }: MergeInto, copy: CopyState, copyId: string): CopyEvent[] => {
  allow(metadata, 'admin');
  const transferId = requiredText(data.transferId, 'transferId');
  const targetCopyId = requiredText(data.targetCopyId, 'targetCopyId');
  if (copy.transferIds.includes(transferId)) return [];
  if (targetCopyId === copyId) throw validation('a copy is merged into another copy', { field: 'targetCopyId' });
  assertPagesEditable(copy);
  const by = metadata.actorId;
  const cleared: CopyEvent[] =
    copy.studentId === null ? [] : [{ type: 'IdentificationCleared', data: { copyId, studentId: copy.studentId, by } }];
  return [
    ...cleared,
    { type: 'PagesDetached', data: { copyId, transferId, toCopyId: targetCopyId, pages: copy.pages, position: null, newCopy: false } },
    { type: 'CopyDiscarded', data: { copyId, intoCopyId: targetCopyId, by } },
  ];
};
