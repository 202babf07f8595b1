import { type GradingQuestion, leafQuestions, sumPoints } from '#domain';
import { type Color, type PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import type { CorrectedCopyPdfInput } from './build-corrected-copy-pdf.js';
import { type PdfFonts, drawable, formatDate, formatPoints, onTwenty, wrapText } from './pdf-text.js';

/**
 * The summary closing a corrected copy (A4): who and what, the grading scale with each question's
 * score and remark, the total on the scale and on 20, the appreciation. Text wraps and flows onto
 * further pages; the footer numbers the summary pages. The student's name appears only when given.
 */

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const FOOTER = 28;
const SCORE_COLUMN = 90;
const INDENT = 14;
const INK = rgb(0.1, 0.1, 0.1);
const MUTED = rgb(0.38, 0.38, 0.38);
const RULE = rgb(0.8, 0.8, 0.8);
// The school's day, whatever the server's zone: a copy finalised at 00:30 in Paris is dated that day.
const FINALISED_DAY = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' });

interface TextStyle {
  font: PDFFont;
  size: number;
  color?: Color;
  /** Extra left offset from the margin. */
  indent?: number;
}

/** Lays text out top-down on summary pages, opening a new page when the next piece does not fit. */
class SummaryWriter {
  readonly pages: PDFPage[] = [];
  private page!: PDFPage;
  private y = 0;
  readonly width = A4[0] - 2 * MARGIN;

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: PdfFonts,
  ) {
    this.newPage();
  }

  /** Wrapped text; each line may start a new page, so a long remark flows on. */
  paragraph(text: string, style: TextStyle, width = this.width - (style.indent ?? 0)): void {
    for (const line of wrapText(drawable(text, this.fonts), style.font, style.size, width)) this.line(line, style);
  }

  line(text: string, { font, size, color = INK, indent = 0 }: TextStyle, right?: string): void {
    const height = size * 1.35;
    this.room(height);
    const baseline = this.y - size;
    this.page.drawText(drawable(text, this.fonts), { x: MARGIN + indent, y: baseline, font, size, color });
    if (right !== undefined) {
      const shown = drawable(right, this.fonts);
      this.page.drawText(shown, { x: A4[0] - MARGIN - font.widthOfTextAtSize(shown, size), y: baseline, font, size, color });
    }
    this.y -= height;
  }

  /** Keeps the next `height` points on one page. */
  room(height: number): void {
    if (this.y - height < MARGIN + FOOTER) this.newPage();
  }

  gap(height: number): void {
    this.y -= height;
  }

  rule(): void {
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: A4[0] - MARGIN, y: this.y }, thickness: 0.5, color: RULE });
    this.gap(4);
  }

  private newPage(): void {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }
}

export const drawSummary = (doc: PDFDocument, input: CorrectedCopyPdfInput, fonts: PdfFonts): void => {
  const writer = new SummaryWriter(doc, fonts);
  const { regular, bold } = fonts;
  writer.line('Copie corrigée', { font: regular, size: 10, color: MUTED });
  writer.paragraph(input.exam.title, { font: bold, size: 18 });
  writer.gap(4);
  writer.paragraph(`Matière : ${input.exam.subject}`, { font: regular, size: 11 });
  if (input.exam.date) writer.line(`Épreuve du ${formatDate(input.exam.date)}`, { font: regular, size: 11 });
  writer.paragraph(`Copie n° ${input.anonymousCode}`, { font: regular, size: 11 });
  if (input.student) {
    const { lastName, firstName, className } = input.student;
    writer.paragraph(`Élève : ${lastName.toUpperCase()} ${firstName}`, { font: bold, size: 11 });
    if (className) writer.paragraph(`Classe : ${className}`, { font: regular, size: 11 });
  }

  writer.gap(16);
  writer.line('Question', { font: bold, size: 11 }, 'Note');
  writer.rule();
  for (const question of input.scale) drawQuestion(writer, input, question, 0);
  writer.gap(6);
  writer.line('Total', { font: bold, size: 12 }, `${formatPoints(input.total)} / ${formatPoints(input.max)}`);
  if (input.max !== 20) writer.line('Note sur 20', { font: bold, size: 12 }, `${formatPoints(onTwenty(input.total, input.max))} / 20`);

  writer.gap(16);
  writer.line('Appréciation', { font: bold, size: 12 });
  const appreciation = input.appreciation.trim();
  if (appreciation === '') writer.line('Aucune appréciation.', { font: regular, size: 10.5, color: MUTED });
  else writer.paragraph(appreciation, { font: regular, size: 10.5 });

  footers(writer, input);
};

/** One row per question, sub-questions indented; a parent shows the sum of its leaves' scores. */
const drawQuestion = (writer: SummaryWriter, input: CorrectedCopyPdfInput, question: GradingQuestion, depth: number): void => {
  const { regular, bold } = writer.fonts;
  const parent = question.children !== undefined;
  const font = parent ? bold : regular;
  const [size, indent] = [10.5, depth * INDENT];
  const labelWidth = writer.width - indent - SCORE_COLUMN;
  const lines = wrapText(drawable(question.label, writer.fonts), font, size, labelWidth);
  writer.room(lines.length * size * 1.35);
  lines.forEach((line, index) => writer.line(line, { font, size, indent }, index === 0 ? scoreText(input, question) : undefined));
  const remark = input.remarks[question.questionId]?.trim();
  if (remark) writer.paragraph(`Remarque : ${remark}`, { font: regular, size: 9.5, color: MUTED, indent: indent + INDENT }, labelWidth);
  writer.rule();
  for (const child of question.children ?? []) drawQuestion(writer, input, child, depth + 1);
};

const scoreText = (input: CorrectedCopyPdfInput, question: GradingQuestion): string => {
  const scores = leafQuestions([question]).map((leaf) => input.scores[leaf.questionId]);
  const awarded = scores.filter((score): score is number => score !== undefined);
  // An unscored leaf (never the case once finalised) shows a dash rather than a misleading 0.
  const points = awarded.length === 0 ? '–' : formatPoints(sumPoints(awarded));
  return `${points} / ${formatPoints(question.maxPoints)}`;
};

const footers = (writer: SummaryWriter, input: CorrectedCopyPdfInput): void => {
  const { regular } = writer.fonts;
  const finalised = FINALISED_DAY.format(new Date(input.finalisedAt));
  const base = drawable(`Korrigo · copie n° ${input.anonymousCode} · corrigée le ${finalised}`, writer.fonts);
  writer.pages.forEach((page, index) => {
    const text = `${base} · récapitulatif ${index + 1}/${writer.pages.length}`;
    page.drawText(text, { x: MARGIN, y: MARGIN / 2, font: regular, size: 8, color: MUTED });
  });
};
