import { zipSync, strToU8 } from 'fflate';
import { formatHundredths } from './decimal.js';
import type { ExamGradeSheet } from './grade-sheet.js';
import { type GradeCell, type GradeTable, gradeTable } from './grade-table.js';
import { STYLE, WORKSHEET_OPEN, cellText, columnName, contentTypes, packageRels, styles, workbook, workbookRels } from './xlsx-parts.js';

/**
 * The detailed grade table as an Excel workbook: a bold, frozen header row, widths fitted to the
 * content, marks as real numbers (a spreadsheet can average them), every text as an inline string.
 * No cell is ever a formula, so an appreciation "=HYPERLINK(…)" stays text and needs no apostrophe.
 * Deterministic: the same sheet gives the same bytes (fixed zip time), so its hash identifies it.
 */
export const gradesXlsx = (sheet: ExamGradeSheet): Buffer => {
  const table = gradeTable(sheet);
  const options = { level: 6 as const, mtime: FIXED_TIME };
  const zipped = zipSync({
    '[Content_Types].xml': [strToU8(contentTypes()), options],
    '_rels/.rels': [strToU8(packageRels()), options],
    'xl/workbook.xml': [strToU8(workbook('Notes')), options],
    'xl/_rels/workbook.xml.rels': [strToU8(workbookRels()), options],
    'xl/styles.xml': [strToU8(styles()), options],
    'xl/worksheets/sheet1.xml': [strToU8(worksheet(table)), options],
  });
  return Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength);
};

/** A local-time date: fflate writes the zip's DOS time from local fields, the same in every time zone. */
const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);

const worksheet = (table: GradeTable): string => {
  const width = table.header.length;
  const last = `${columnName(width - 1)}${table.rows.length + 1}`;
  const on20 = table.on20Column;
  const header = `<row r="1">${table.header.map((title, column) => textCell(column, 1, title, STYLE.header)).join('')}</row>`;
  const rows = table.rows.map(
    (row, index) =>
      `<row r="${index + 2}">${row.map((value, column) => cell(column, index + 2, value, column === on20 ? STYLE.twoDecimals : STYLE.plain)).join('')}</row>`,
  );
  return (
    WORKSHEET_OPEN +
    `<dimension ref="A1:${last}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    `<cols>${widths(table)
      .map((w, column) => `<col min="${column + 1}" max="${column + 1}" width="${w}" customWidth="1"/>`)
      .join('')}</cols>` +
    `<sheetData>${header}${rows.join('')}</sheetData>` +
    '</worksheet>'
  );
};

const cell = (column: number, row: number, value: GradeCell, style: number): string => {
  if (value === null) return '';
  if ('text' in value) return textCell(column, row, value.text, STYLE.plain);
  const s = style === STYLE.plain ? '' : ` s="${style}"`;
  return `<c r="${columnName(column)}${row}"${s}><v>${formatHundredths(value.hundredths, '.')}</v></c>`;
};

const textCell = (column: number, row: number, text: string, style: number): string => {
  const s = style === STYLE.plain ? '' : ` s="${style}"`;
  const preserve = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${columnName(column)}${row}"${s} t="inlineStr"><is><t${preserve}>${cellText(text)}</t></is></c>`;
};

/** Characters of the longest line in each column, between 8 and 50 (an appreciation wraps past that). */
const widths = (table: GradeTable): number[] =>
  table.header.map((title, column) => {
    const longest = table.rows.reduce((max, row) => Math.max(max, length(row[column] ?? null)), [...title].length);
    return Math.min(50, Math.max(8, longest + 2));
  });

const length = (value: GradeCell): number => {
  if (value === null) return 0;
  if ('text' in value) return Math.max(...value.text.split('\n').map((line) => [...line].length));
  return formatHundredths(value.hundredths, '.').length;
};
