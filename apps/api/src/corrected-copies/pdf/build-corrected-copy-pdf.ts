import type { Annotation, GradingQuestion } from '#domain';
import { PDFDocument, type PDFImage, type PDFRef } from 'pdf-lib';
import { drawAnnotations, highlighterState } from './draw-annotations.js';
import { embedFonts } from './pdf-text.js';
import { drawSummary } from './summary-page.js';

/**
 * A corrected copy as one PDF: each scanned page with the corrector's annotations drawn over it as
 * vectors, then a summary of the scores. Pure: bytes in, bytes out, no clock, no randomness, so the
 * same copy always gives the same file (a re-run of the job changes nothing, a checksum can tell).
 */
export interface CorrectedCopyPdfInput {
  /** date: YYYY-MM-DD */
  exam: { title: string; subject: string; date?: string };
  anonymousCode: string;
  /** null: the anonymous variant, with no name anywhere in the file, metadata included. */
  student: { lastName: string; firstName: string; className?: string } | null;
  /**
   * In reading order; JPEG (usual) or PNG, the 150 dpi view images. null: a page that has no scanned
   * image (a copy created without a scan), drawn as a blank A4 sheet with its annotations.
   */
  pages: readonly { pageId: string; image: Uint8Array | null }[];
  /** Normalised 0..1 coordinates, origin top-left; those on no page of `pages` are ignored. */
  annotations: readonly Annotation[];
  /** The grading scale tree; only leaves are scored. */
  scale: readonly GradingQuestion[];
  /** Leaf questionId → points. */
  scores: Readonly<Record<string, number>>;
  /** questionId → remark. */
  remarks: Readonly<Record<string, string>>;
  appreciation: string;
  total: number;
  max: number;
  /** ISO instant; the PDF's creation and modification date (never "now", which would change the bytes). */
  finalisedAt: string;
}

/** A copy whose PDF cannot be made; names the page at fault when it is an image. */
export class CorrectedCopyPdfError extends Error {
  constructor(
    message: string,
    readonly pageId?: string,
  ) {
    super(message);
    this.name = 'CorrectedCopyPdfError';
  }
}

/** The view images are rendered at 150 dpi; a PDF point is 1/72 inch. */
const VIEW_DPI = 150;
const PRODUCER = 'Korrigo';
const A4: [number, number] = [595.28, 841.89];

export const buildCorrectedCopyPdf = async (input: CorrectedCopyPdfInput): Promise<Uint8Array> => {
  const finalisedAt = new Date(input.finalisedAt);
  if (Number.isNaN(finalisedAt.getTime())) throw new CorrectedCopyPdfError(`Date de finalisation invalide : ${input.finalisedAt}`);
  // updateMetadata: false, or pdf-lib stamps the current time and its own name.
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  let highlighter: PDFRef | undefined;
  const context = { fonts, highlighter: () => (highlighter ??= highlighterState(doc)) };

  const byPage = new Map<string, Annotation[]>(input.pages.map(({ pageId }) => [pageId, []]));
  for (const annotation of input.annotations) byPage.get(annotation.pageId)?.push(annotation);
  for (const { pageId, image } of input.pages) {
    const embedded = image ? await embedImage(doc, pageId, image) : null;
    const [width, height] = embedded ? [(embedded.width * 72) / VIEW_DPI, (embedded.height * 72) / VIEW_DPI] : A4;
    const page = doc.addPage([width, height]);
    if (embedded) page.drawImage(embedded, { x: 0, y: 0, width, height });
    drawAnnotations(page, byPage.get(pageId) ?? [], context);
  }
  drawSummary(doc, input, fonts);

  // The anonymous code, never the name: the title shows in viewers' window bars and file lists.
  doc.setTitle(`${input.exam.title} — copie ${input.anonymousCode}`, { showInWindowTitleBar: true });
  doc.setSubject(input.exam.subject);
  doc.setLanguage('fr-FR');
  doc.setProducer(PRODUCER);
  doc.setCreator(PRODUCER);
  doc.setCreationDate(finalisedAt);
  doc.setModificationDate(finalisedAt);
  return doc.save({ useObjectStreams: true });
};

/**
 * The page image, checked: pdf-lib only reads a JPEG's header, so a truncated file would give a PDF
 * with a grey half-page; its end marker is checked too. A PNG is decoded in full by pdf-lib.
 */
const embedImage = async (doc: PDFDocument, pageId: string, image: Uint8Array): Promise<PDFImage> => {
  const kind = imageKind(image);
  if (!kind) throw new CorrectedCopyPdfError(`Page ${pageId} : l’image n’est ni un JPEG ni un PNG.`, pageId);
  if (kind === 'jpeg' && !endsLikeJpeg(image))
    throw new CorrectedCopyPdfError(`Page ${pageId} : l’image JPEG est tronquée ou corrompue.`, pageId);
  let embedded: PDFImage;
  try {
    embedded = kind === 'jpeg' ? await doc.embedJpg(image) : await doc.embedPng(image);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CorrectedCopyPdfError(`Page ${pageId} : l’image ${kind.toUpperCase()} est illisible (${reason}).`, pageId);
  }
  if (!(embedded.width > 0 && embedded.height > 0)) throw new CorrectedCopyPdfError(`Page ${pageId} : l’image est vide.`, pageId);
  return embedded;
};

const imageKind = (bytes: Uint8Array): 'jpeg' | 'png' | null => {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return png.every((byte, index) => bytes[index] === byte) ? 'png' : null;
};

/** The EOI marker (FF D9) ends every complete JPEG; some encoders pad a few bytes after it. */
const endsLikeJpeg = (bytes: Uint8Array): boolean => {
  for (let index = bytes.length - 2; index >= Math.max(2, bytes.length - 64); index--) {
    if (bytes[index] === 0xff && bytes[index + 1] === 0xd9) return true;
  }
  return false;
};
