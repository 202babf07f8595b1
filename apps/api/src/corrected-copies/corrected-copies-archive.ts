import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { type Zippable, zipSync } from 'fflate';
import type { CorrectedCopyPdf } from '#domain';
import type { Runtime } from '../runtime/runtime.js';
import { correctedCopyFileName, safeFilePart } from './file-names.js';

/** Fixed entry time: the same PDFs always make the same archive, byte for byte. */
const ENTRY_TIME = new Date(2000, 0, 1);
const README = 'LISEZMOI.txt';

interface ArchiveRow {
  copy_id: string;
  anonymous_code: string;
  status: string;
  corrected_pdf: CorrectedCopyPdf | null;
  last_name: string | null;
  first_name: string | null;
  class_name: string | null;
  title: string | null;
}

export interface CorrectedCopiesArchive {
  readonly fileName: string;
  readonly zip: Uint8Array;
  readonly sha256: string;
  /** PDFs in the archive, and finalised or unfinished copies left out (listed in LISEZMOI.txt). */
  readonly copies: number;
  readonly missing: number;
}

/**
 * Every corrected copy of an exam in one ZIP for the exam office: the named variant of identified
 * copies, the anonymous one otherwise, under `<CLASSE>_<NOM>_<Prénom>_<code>.pdf`, sorted by name;
 * LISEZMOI.txt lists the copies without a PDF yet. PDFs are stored (not deflated): they are compressed
 * already. A class (~35 PDFs of ~1 MB) is built in memory. Null when the exam has no copies at all.
 */
export const buildCorrectedCopiesArchive = async (runtime: Runtime, examId: string): Promise<CorrectedCopiesArchive | null> => {
  const { rows } = await runtime.pool.query<ArchiveRow>(
    `SELECT c.copy_id, c.anonymous_code, c.status, c.corrected_pdf, s.last_name, s.first_name, s.class_name, e.title
     FROM copies c LEFT JOIN students s ON s.student_id = c.student_id LEFT JOIN copy_exams e ON e.exam_id = c.exam_id
     WHERE c.exam_id = $1 ORDER BY c.anonymous_code, c.copy_id`,
    [examId],
  );
  if (rows.length === 0) return null;
  const entries = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const row of rows) {
    const student = row.last_name === null ? null : { lastName: row.last_name, firstName: row.first_name ?? '', className: row.class_name };
    const file = row.corrected_pdf ? ((student ? row.corrected_pdf.named : null) ?? row.corrected_pdf.anonymous) : null;
    const bytes = file ? await blobBytes(runtime, file.pdfBlobKey) : null;
    if (!bytes) {
      missing.push(`${row.anonymous_code}${student ? ` (${student.lastName} ${student.firstName})` : ''} : ${reasonOf(row)}`);
      continue;
    }
    const named = file === row.corrected_pdf?.named;
    entries.set(correctedCopyFileName({ anonymousCode: row.anonymous_code, student: named ? student : null }), bytes);
  }
  const zippable: Zippable = {};
  for (const name of [...entries.keys()].sort()) zippable[name] = [entries.get(name)!, { level: 0, mtime: ENTRY_TIME }];
  if (missing.length > 0) zippable[README] = [new TextEncoder().encode(readme(missing)), { level: 6, mtime: ENTRY_TIME }];
  const zip = zipSync(zippable);
  return {
    fileName: `copies-corrigees_${safeFilePart(rows[0]!.title ?? examId)}.zip`,
    zip,
    sha256: createHash('sha256').update(zip).digest('hex'),
    copies: entries.size,
    missing: missing.length,
  };
};

const reasonOf = (row: ArchiveRow): string =>
  row.status !== 'finalised' ? 'copie pas encore finalisée' : row.corrected_pdf ? 'fichier PDF introuvable' : 'PDF en préparation';

const readme = (missing: readonly string[]): string =>
  ['Copies absentes de cette archive :', '', ...missing.map((line) => `- ${line}`), ''].join('\r\n');

const blobBytes = async (runtime: Runtime, key: string): Promise<Uint8Array | null> => {
  const blob = await runtime.blobs.get(key);
  return blob ? buffer(blob.stream) : null;
};
