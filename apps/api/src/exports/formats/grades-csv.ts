import { csvField, csvFile, csvText } from './csv-field.js';
import { formatHundredths } from './decimal.js';
import type { ExamGradeSheet } from './grade-sheet.js';
import { type GradeCell, gradeTable } from './grade-table.js';

/**
 * The detailed CSV for the exam office's own spreadsheets: same conventions as the Pronote file (BOM,
 * `;`, CRLF, decimal comma, formulas neutralised: French Excel opens it as is), one column per scored
 * question. An appreciation keeps its line breaks, inside quotes.
 */
export const gradesCsv = (sheet: ExamGradeSheet): Buffer => {
  const table = gradeTable(sheet);
  return csvFile([table.header.map(csvText), ...table.rows.map((row) => row.map(cell))]);
};

const cell = (value: GradeCell): string => {
  if (value === null) return '';
  if ('text' in value) return csvText(value.text);
  return csvField(formatHundredths(value.hundredths, ','));
};
