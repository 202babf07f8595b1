import type { CopyEvent, CopyPage } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { CopyLockChangeKind, CopyLockNotice } from './copy-lock-channel.js';
import type { CopyRow, PageRow, TransferRow } from './copies.rows.js';

/**
 * The copies read model's rules as pure row transitions: a batch's events fold, in `$all` order, into
 * the rows loaded for it (copies.store.ts), and what changed is written back set-based. Same rules as
 * an event-by-event apply: an event moves the copy's row to its revision, and one the row has already
 * passed (or of a copy never imported, or merged away) changes nothing, so a replayed batch is harmless.
 */

/** A child row keyed within its copy: `row` null means deleted. */
type Keyed<Row> = Map<string, Map<string, Row | null>>;

/** One batch's fold. */
export class CopiesFold {
  /** Copy rows as loaded then folded; null: no row (never imported, or discarded). */
  readonly copies = new Map<string, CopyRow | null>();
  readonly changedCopies = new Set<string>();
  /** Full page lists of the copies whose pages were loaded or replaced. */
  readonly pages = new Map<string, PageRow[]>();
  readonly changedPages = new Set<string>();
  readonly transfers = new Map<string, TransferRow>();
  readonly changedTransfers = new Set<string>();
  /** Copies merged away in this batch: every child row of theirs goes before the batch's own writes. */
  readonly wiped = new Set<string>();
  /** Annotations, scores, remarks written or deleted by the batch (after any wipe of their copy). */
  readonly annotations: Keyed<{ page_id: string; kind: string; body: unknown; created_at: string; updated_at: string }> = new Map();
  /** Annotations removed in the batch: deleted first, so one added again starts afresh (created_at). */
  readonly removedAnnotations: Keyed<true> = new Map();
  readonly scores: Keyed<{ exam_id: string; points: number; scale_version: number; awarded_at: string }> = new Map();
  readonly remarks: Keyed<{ exam_id: string; text: string }> = new Map();
  /** Copies whose total is the sum of their scores (a score came after any finalisation). */
  readonly totalFromScores = new Set<string>();
  readonly notices: CopyLockNotice[] = [];

  apply(recorded: RecordedEvent): void {
    if (!recorded.streamId.startsWith('copy-')) return;
    const copyId = recorded.streamId.slice('copy-'.length);
    const event = { type: recorded.type, data: recorded.data } as unknown as CopyEvent;
    const at = recorded.recordedAt;
    const current = this.copies.get(copyId) ?? null;
    if (event.type === 'CopyImported') {
      if (current === null) this.importCopy(copyId, event.data, at, recorded.revision.toString());
      return;
    }
    if (current === null || BigInt(current.revision) >= recorded.revision) return;
    const row: CopyRow = { ...current, updated_at: at, revision: recorded.revision.toString() };
    this.copies.set(copyId, row);
    this.changedCopies.add(copyId);
    this.change(copyId, row, event, at);
  }

  private importCopy(copyId: string, data: Extract<CopyEvent, { type: 'CopyImported' }>['data'], at: string, revision: string): void {
    this.copies.set(copyId, {
      ...EMPTY_COPY,
      copy_id: copyId,
      exam_id: data.examId,
      scan_id: data.scanId,
      anonymous_code: data.anonymousCode,
      page_count: data.pages.length,
      imported_at: at,
      updated_at: at,
      revision,
    });
    this.changedCopies.add(copyId);
    this.setPages(copyId, pageRows(copyId, data.pages, 0));
    this.totalFromScores.delete(copyId);
    // A copy split off another: its import completes the transfer that detached its pages.
    for (const transfer of this.transfers.values()) {
      if (transfer.to_copy_id === copyId && transfer.new_copy && transfer.attached_at === null) this.attach(transfer.transfer_id, at);
    }
  }

  private change(copyId: string, row: CopyRow, event: Exclude<CopyEvent, { type: 'CopyImported' }>, at: string): void {
    const lockChange = (reason: string | null = null): void => {
      Object.assign(row, { lock_change: event.type, lock_change_reason: reason, lock_changed_at: at });
    };
    const notify = (change: CopyLockChangeKind, holderId: string, leaseUntil: string | null, reason: string | null): void => {
      const { exam_id: examId, anonymous_code: anonymousCode, corrector_id: correctorId } = row;
      this.notices.push({ copyId, examId, anonymousCode, correctorId, change, holderId, leaseUntil, reason, at });
    };
    switch (event.type) {
      case 'HeaderRead': {
        const { engine, text, candidates, confidence, imageBlobKey } = event.data;
        row.header = { engine, text, candidates, confidence, imageBlobKey: imageBlobKey ?? null };
        return;
      }
      case 'StudentIdentified':
        Object.assign(row, { student_id: event.data.studentId, identification_method: event.data.method, corrected_pdf: null });
        return;
      case 'IdentificationCleared':
        Object.assign(row, { student_id: null, identification_method: null, corrected_pdf: null });
        return;
      case 'CopyFlagged': {
        const { reason, note } = event.data;
        row.flags = [...row.flags, note === undefined ? { reason } : { reason, note }];
        return;
      }
      case 'CopyFlagCleared':
        // As SQL's `f->>'reason' <> $2`: a flag without a reason does not survive either.
        row.flags = row.flags.filter((flag) => flag.reason != null && String(flag.reason) !== event.data.reason);
        return;
      case 'PagesReordered': {
        const order = new Map(event.data.pageIds.map((pageId, index) => [pageId, index]));
        this.setPages(
          copyId,
          this.pagesOf(copyId).map((page) => ({ ...page, position: order.get(page.page_id) ?? page.position })),
        );
        return;
      }
      case 'PagesDetached': {
        const { transferId, toCopyId, pages, position, newCopy } = event.data;
        const leaving = new Set(pages.map((page) => page.pageId));
        this.renumber(
          copyId,
          row,
          this.pagesOf(copyId).filter((page) => !leaving.has(page.page_id)),
        );
        if (!this.transfers.has(transferId)) {
          this.transfers.set(transferId, {
            transfer_id: transferId,
            exam_id: row.exam_id,
            scan_id: row.scan_id,
            from_copy_id: copyId,
            to_copy_id: toCopyId,
            pages,
            position,
            new_copy: newCopy,
            detached_at: at,
            attached_at: null,
          });
          this.changedTransfers.add(transferId);
        }
        return;
      }
      case 'PagesAttached': {
        const { transferId, pages, position } = event.data;
        const shifted = this.pagesOf(copyId).map((page) =>
          page.position >= position ? { ...page, position: page.position + pages.length } : page,
        );
        this.renumber(copyId, row, [...shifted, ...pageRows(copyId, pages, position)]);
        const transfer = this.transfers.get(transferId);
        if (transfer && transfer.attached_at === null) this.attach(transferId, at);
        return;
      }
      case 'CopyDiscarded':
        this.copies.set(copyId, null);
        this.setPages(copyId, []);
        this.wiped.add(copyId);
        for (const rows of [this.annotations, this.removedAnnotations, this.scores, this.remarks]) rows.delete(copyId);
        this.totalFromScores.delete(copyId);
        return;
      case 'CopyAssigned':
        Object.assign(row, { corrector_id: event.data.correctorId, dispatch_run_id: event.data.runId });
        return;
      case 'CopyLocked':
        Object.assign(row, { lock_holder_id: event.data.holderId, lock_until: event.data.leaseUntil, locked_since: at, started: true });
        lockChange();
        notify(event.type, event.data.holderId, event.data.leaseUntil, null);
        return;
      case 'LockRenewed':
        Object.assign(row, { lock_holder_id: event.data.holderId, lock_until: event.data.leaseUntil });
        lockChange();
        notify(event.type, event.data.holderId, event.data.leaseUntil, null);
        return;
      case 'CopyUnlocked':
      case 'LockExpired':
      case 'LockForceReleased': {
        const reason = event.type === 'LockForceReleased' ? event.data.reason : null;
        Object.assign(row, { lock_holder_id: null, lock_until: null, locked_since: null });
        lockChange(reason);
        notify(event.type, event.data.holderId, null, reason);
        return;
      }
      case 'AnnotationAdded':
      case 'AnnotationEdited': {
        const { annotation } = event.data;
        const rows = keyed(this.annotations, copyId);
        // created_at of a row already stored is kept by the upsert; this one counts for a new row only.
        const created = rows.get(annotation.annotationId)?.created_at ?? at;
        rows.set(annotation.annotationId, {
          page_id: annotation.pageId,
          kind: annotation.kind,
          body: annotation,
          created_at: created,
          updated_at: at,
        });
        return;
      }
      case 'AnnotationRemoved':
        keyed(this.annotations, copyId).set(event.data.annotationId, null);
        keyed(this.removedAnnotations, copyId).set(event.data.annotationId, true);
        return;
      case 'ScoreAwarded': {
        const { questionId, points, scaleVersion } = event.data;
        keyed(this.scores, copyId).set(questionId, { exam_id: row.exam_id, points, scale_version: scaleVersion, awarded_at: at });
        this.totalFromScores.add(copyId);
        return;
      }
      case 'RemarkWritten': {
        const { questionId, text } = event.data;
        keyed(this.remarks, copyId).set(questionId, text === '' ? null : { exam_id: row.exam_id, text });
        return;
      }
      case 'AppreciationWritten':
        row.appreciation = event.data.text;
        return;
      case 'CopyFinalized':
        Object.assign(row, {
          finalised: true,
          total: event.data.total,
          max: event.data.max,
          scale_version: event.data.scaleVersion,
          finalised_at: at,
          reopened: null,
        });
        this.totalFromScores.delete(copyId);
        return;
      case 'CopyReopened':
        // As the decider: back to correction with no lock; the final total is read again at the next finalisation.
        Object.assign(row, {
          finalised: false,
          max: null,
          finalised_at: null,
          started: true,
          lock_holder_id: null,
          lock_until: null,
          locked_since: null,
          corrected_pdf: null,
          reopened: { reason: event.data.reason, adminId: event.data.adminId, at },
        });
        lockChange(event.data.reason);
        return;
      case 'CorrectedCopyRendered': {
        const { finalisedRevision, anonymous, named } = event.data;
        row.corrected_pdf = { finalisedRevision, anonymous, named };
        return;
      }
    }
  }

  private pagesOf(copyId: string): PageRow[] {
    const pages = this.pages.get(copyId);
    if (!pages) throw new Error(`copies projection: the pages of copy ${copyId} were not loaded for this batch`);
    return pages;
  }

  private setPages(copyId: string, pages: PageRow[]): void {
    this.pages.set(copyId, pages);
    this.changedPages.add(copyId);
  }

  /** Positions 0..n-1 again in position order, and the page count. */
  private renumber(copyId: string, row: CopyRow, pages: PageRow[]): void {
    const ordered = [...pages].sort((a, b) => a.position - b.position).map((page, position) => ({ ...page, position }));
    this.setPages(copyId, ordered);
    row.page_count = ordered.length;
  }

  private attach(transferId: string, at: string): void {
    const transfer = this.transfers.get(transferId)!;
    this.transfers.set(transferId, { ...transfer, attached_at: at });
    this.changedTransfers.add(transferId);
  }
}

const keyed = <Row>(rows: Keyed<Row>, copyId: string): Map<string, Row | null> => {
  let forCopy = rows.get(copyId);
  if (!forCopy) rows.set(copyId, (forCopy = new Map()));
  return forCopy;
};

const pageRows = (copyId: string, pages: readonly CopyPage[], from: number): PageRow[] =>
  pages.map((page, index) => ({
    copy_id: copyId,
    page_id: page.pageId,
    position: from + index,
    number: page.number,
    image_blob_key: page.imageBlobKey ?? null,
    masked_image_blob_key: page.maskedImageBlobKey ?? null,
  }));

const EMPTY_COPY: Omit<
  CopyRow,
  'copy_id' | 'exam_id' | 'scan_id' | 'anonymous_code' | 'page_count' | 'imported_at' | 'updated_at' | 'revision'
> = {
  student_id: null,
  identification_method: null,
  corrector_id: null,
  dispatch_run_id: null,
  lock_holder_id: null,
  lock_until: null,
  locked_since: null,
  lock_change: null,
  lock_change_reason: null,
  lock_changed_at: null,
  started: false,
  finalised: false,
  total: 0,
  max: null,
  scale_version: null,
  finalised_at: null,
  flags: [],
  header: null,
  appreciation: '',
  corrected_pdf: null,
  reopened: null,
};
