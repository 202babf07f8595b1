/**
 * CSV for French spreadsheets and Pronote: UTF-8 with a BOM (Excel otherwise reads it as Windows-1252),
 * `;` between fields (the comma is the decimal mark), CRLF line ends, RFC 4180 quoting.
 */

const BOM = '\uFEFF';
const SEPARATOR = ';';
const CRLF = '\r\n';

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or CR that it strips first) as a formula:
 * "=HYPERLINK(…)" in an appreciation would become a live link, a "-2+3" a computed number (OWASP "CSV
 * injection"). A leading apostrophe makes it text and is not shown. Applied to every text field,
 * names included, so no field is trusted because of its column.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** Quoted only when needed: a `;`, a `"`, a CR or a LF inside; quotes doubled. */
export const csvField = (text: string): string => (/[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** A text cell: neutralised, then quoted. Numbers are written with `csvField` alone: they never start with a formula character. */
export const csvText = (text: string): string => csvField(neutraliseFormula(text));

/** The whole file: BOM, one CRLF-terminated line per row. */
export const csvFile = (rows: readonly (readonly string[])[]): Buffer =>
  Buffer.from(BOM + rows.map((fields) => fields.join(SEPARATOR) + CRLF).join(''), 'utf8');

/** Line breaks and runs of spaces in one space: a Pronote comment is one line. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
