/**
 * One CSV line into fields. A roster never needs a line break inside a field, so a quoted field may not
 * span lines: an unclosed quote is an error on its own line instead of swallowing the rest of the file.
 */
export type CsvLine = { fields: string[] } | { problem: string };

export const splitCsvLine = (line: string, separator: string): CsvLine => {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"' && field.trim() === '') {
      // A quoted field: "" is an escaped quote; the closing quote must end the field.
      field = '';
      i++;
      for (;;) {
        if (i >= line.length) return { problem: 'a quoted field is not closed on its line' };
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== separator) return { problem: 'text after the closing quote of a field' };
    }
    if (i >= line.length || line[i] === separator) {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    field += line[i++];
  }
  return { fields };
};

/** `;` unless the first line only has commas: Pronote and French Excel write `;`. */
export const detectSeparator = (line: string): ';' | ',' => {
  const outsideQuotes = line.replace(/"(?:[^"]|"")*"/g, '');
  return !outsideQuotes.includes(';') && outsideQuotes.includes(',') ? ',' : ';';
};
