import { Inject, Injectable } from '@nestjs/common';
import type { CorrectedCopyPdf, CorrectedCopyVariant, HeaderRegion } from '#domain';
import type { Session } from '../auth/sessions.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { correctorImage } from './corrector-image.js';

/**
 * The blob a caller may receive; `mask`: the exam's header region, to paint over a corrector's first
 * page that has no masked image of its own.
 */
export interface FileGrant {
  readonly key: string;
  readonly mask: HeaderRegion | null;
}

/** A corrected-copy PDF a caller may download: which variant, and the name it is saved under. */
export interface CorrectedCopyGrant {
  readonly copyId: string;
  readonly key: string;
  readonly sha256: string;
  readonly variant: CorrectedCopyVariant;
  readonly anonymousCode: string;
  readonly student: { lastName: string; firstName: string; className: string | null } | null;
}

interface CorrectedCopyRow {
  anonymous_code: string;
  corrector_id: string | null;
  student_id: string | null;
  finalised: boolean;
  corrected_pdf: CorrectedCopyPdf | null;
  published: boolean;
  last_name: string | null;
  first_name: string | null;
  class_name: string | null;
}

interface PageRow {
  position: number;
  image_blob_key: string | null;
  masked_image_blob_key: string | null;
  corrector_id: string | null;
  student_id: string | null;
  published: boolean;
  /** Null while the exams read model has no row for the copy's exam (being rebuilt). */
  header_region: HeaderRegion | null;
}

/**
 * Who may see which image (DESIGN §6, §10), decided on the read models for every request:
 * - admin: any page, unmasked, and any header crop;
 * - teacher: pages of the copies assigned to them; a page that has a masked variant (it carries a
 *   header) is served masked, and so is the copy's first page, masked on the fly over the exam's
 *   header region if it has none (not served at all while that region is unknown);
 * - student: pages of their own copy once the exam's results are published.
 * Anything else is null, answered 404 like an unknown id: a caller learns nothing of what exists.
 */
@Injectable()
export class FileAccess {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async page(session: Session, pageId: string): Promise<FileGrant | null> {
    // A page id names one page; should two copies ever share one, any the caller may see will do.
    const { rows } = await this.runtime.pool.query<PageRow>(
      `SELECT p.position, p.image_blob_key, p.masked_image_blob_key, c.corrector_id, c.student_id, coalesce(e.published, false) AS published,
         x.header_region
       FROM copy_pages p JOIN copies c ON c.copy_id = p.copy_id LEFT JOIN copy_exams e ON e.exam_id = c.exam_id
         LEFT JOIN exams x ON x.exam_id = c.exam_id
       WHERE p.page_id = $1 ORDER BY p.copy_id`,
      [pageId],
    );
    for (const row of rows) {
      const grant = this.pageGrant(session, row);
      if (grant) return grant;
    }
    return null;
  }

  /** The header crop of a copy's latest reading, for the identification desk (admins only: it shows the name). */
  async header(session: Session, copyId: string): Promise<FileGrant | null> {
    if (session.role !== 'admin') return null;
    const { rows } = await this.runtime.pool.query<{ key: string | null }>(
      `SELECT header->>'imageBlobKey' AS key FROM copies WHERE copy_id = $1`,
      [copyId],
    );
    const key = rows[0]?.key;
    return key ? { key, mask: null } : null;
  }

  /**
   * A copy's corrected PDF (issue 6): the admin gets the named variant (the anonymous one while the
   * copy is unidentified), its corrector the anonymous one, the student concerned the named one once
   * the exam's results are published. 'pending': the caller may have it, but it is not built yet.
   */
  async correctedCopy(session: Session, copyId: string): Promise<CorrectedCopyGrant | 'pending' | null> {
    const { rows } = await this.runtime.pool.query<CorrectedCopyRow>(
      `SELECT c.anonymous_code, c.corrector_id, c.student_id, c.finalised, c.corrected_pdf, coalesce(e.published, false) AS published,
         s.last_name, s.first_name, s.class_name
       FROM copies c LEFT JOIN copy_exams e ON e.exam_id = c.exam_id LEFT JOIN students s ON s.student_id = c.student_id
       WHERE c.copy_id = $1`,
      [copyId],
    );
    const row = rows[0];
    if (!row?.finalised) return null;
    const variant = correctedVariant(session, row);
    if (!variant) return null;
    const pdf = row.corrected_pdf;
    if (!pdf) return 'pending';
    const file = variant === 'named' ? pdf.named : pdf.anonymous;
    if (!file) return 'pending'; // identified after the build: the named variant is being made
    const student =
      variant === 'named' && row.last_name !== null
        ? { lastName: row.last_name, firstName: row.first_name ?? '', className: row.class_name }
        : null;
    return { copyId, key: file.pdfBlobKey, sha256: file.sha256, variant, anonymousCode: row.anonymous_code, student };
  }

  private pageGrant(session: Session, row: PageRow): FileGrant | null {
    const plain = row.image_blob_key;
    switch (session.role) {
      case 'admin':
        return plain ? { key: plain, mask: null } : null;
      case 'teacher': {
        if (row.corrector_id !== session.userId) return null;
        const image = correctorImage({ imageBlobKey: plain, maskedImageBlobKey: row.masked_image_blob_key }, row.position);
        if (!image) return null;
        if (!image.mask) return { key: image.key, mask: null };
        // Masking a guessed region could show the name: better no page than the wrong mask.
        return row.header_region ? { key: image.key, mask: row.header_region } : null;
      }
      case 'student':
        return row.student_id === session.userId && row.published && plain ? { key: plain, mask: null } : null;
    }
  }
}

const correctedVariant = (session: Session, row: CorrectedCopyRow): CorrectedCopyVariant | null => {
  switch (session.role) {
    case 'admin':
      return row.student_id ? 'named' : 'anonymous';
    case 'teacher':
      return row.corrector_id === session.userId ? 'anonymous' : null;
    case 'student':
      return row.student_id === session.userId && row.published ? 'named' : null;
  }
};
