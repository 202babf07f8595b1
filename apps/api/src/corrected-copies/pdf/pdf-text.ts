import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * Text in a corrected-copy PDF: the embedded fonts, what they can draw, line wrapping and French
 * number formatting. The standard PDF fonts only know WinAnsi (no œ, ’, ✓), so DejaVu Sans is embedded,
 * subset to the glyphs used.
 */

export interface PdfFonts {
  regular: PDFFont;
  bold: PDFFont;
  /** Code points both fonts can draw: anything else is replaced before it reaches pdf-lib, which would throw. */
  charset: ReadonlySet<number>;
}

// Resolved from this module (not the working directory) so the API finds them from dist/ as well.
const fontFile = (name: string): string => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`);
let fontBytes: Promise<[Uint8Array, Uint8Array]> | undefined;
let charset: ReadonlySet<number> | undefined;

export const embedFonts = async (doc: PDFDocument): Promise<PdfFonts> => {
  fontBytes ??= Promise.all([readFile(fontFile('DejaVuSans.ttf')), readFile(fontFile('DejaVuSans-Bold.ttf'))]);
  const [regularBytes, boldBytes] = await fontBytes;
  doc.registerFontkit(fontkit);
  // customName: otherwise pdf-lib names the font with a random suffix and two builds differ.
  const regular = await doc.embedFont(regularBytes, { subset: true, customName: 'KorrigoSans' });
  const bold = await doc.embedFont(boldBytes, { subset: true, customName: 'KorrigoSans-Bold' });
  if (!charset) {
    const inBold = new Set(bold.getCharacterSet());
    charset = new Set(regular.getCharacterSet().filter((code) => inBold.has(code)));
  }
  return { regular, bold, charset };
};

const REPLACEMENT = '?';
// Invisible joiners and emoji presentation selectors: dropped rather than shown as a replacement.
const ignorable = (code: number): boolean => (code >= 0x200b && code <= 0x200d) || code === 0x2060 || (code >= 0xfe00 && code <= 0xfe0f);

/**
 * Text the fonts can draw: composed accents (NFC), tabs as spaces, other control characters dropped,
 * each run of characters the font lacks (an emoji, a rare script) shown as one "?".
 */
export const drawable = (text: string, fonts: PdfFonts): string => {
  let out = '';
  let replaced = false;
  for (const char of text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ')) {
    const code = char.codePointAt(0)!;
    if (ignorable(code)) continue;
    if (char === '\n' || (code >= 0x20 && code !== 0x7f && fonts.charset.has(code))) {
      out += char;
      replaced = false;
    } else if (code >= 0x20 && !replaced) {
      out += REPLACEMENT;
      replaced = true;
    }
  }
  return out;
};

/**
 * Cuts drawable text into lines no wider than `width`: explicit line breaks first, then words; a word
 * longer than a line (a URL, a long formula) is cut between characters.
 */
export const wrapText = (text: string, font: PDFFont, size: number, width: number): string[] => {
  const fits = (line: string): boolean => font.widthOfTextAtSize(line, size) <= width;
  return text.split('\n').flatMap((paragraph) => {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (fits(candidate)) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      line = '';
      for (const char of word) {
        if (line !== '' && !fits(line + char)) {
          lines.push(line);
          line = '';
        }
        line += char;
      }
    }
    lines.push(line);
    return lines;
  });
};

/** Rounds halves away from zero; the epsilon absorbs binary fractions (16.245 is 16.2449999… in floating point). */
export const roundHalfUp = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-7)) / factor + 0;
};

/** Points as a French report card writes them: "12,5", "16,25", "14" (at most two decimals, decimal comma). */
export const formatPoints = (value: number): string =>
  roundHalfUp(value, 2)
    .toFixed(2)
    .replace(/\.?0+$/, '')
    .replace('.', ',');

/** A mark out of `max` brought to 20, rounded half-up to two decimals. */
export const onTwenty = (total: number, max: number): number => (max > 0 ? roundHalfUp((total * 20) / max, 2) : 0);

/** "2026-03-12" → "12/03/2026"; anything else is shown as given. */
export const formatDate = (isoDate: string): string => {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : isoDate;
};
