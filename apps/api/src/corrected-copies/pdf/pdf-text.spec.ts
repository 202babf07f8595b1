import { PDFDocument } from 'pdf-lib';
import { type PdfFonts, drawable, embedFonts, formatDate, formatPoints, onTwenty, roundHalfUp, wrapText } from './pdf-text.js';

describe('points on a French report card', () => {
  it('writes a decimal comma and no useless zeros', () => {
    expect([12.5, 16.25, 14, 0, 0.75, 100].map(formatPoints)).toEqual(['12,5', '16,25', '14', '0', '0,75', '100']);
  });

  it('drops floating-point dust', () => {
    expect(formatPoints(0.1 + 0.2)).toBe('0,3');
  });

  it('brings a total to 20, halves rounded up to two decimals', () => {
    expect(onTwenty(32.5, 40)).toBe(16.25);
    expect(onTwenty(13, 15)).toBe(17.33);
    expect(onTwenty(2, 3)).toBe(13.33);
    expect(onTwenty(16.245, 20)).toBe(16.25);
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(onTwenty(5, 0)).toBe(0);
  });

  it('writes an exam date day first', () => {
    expect(formatDate('2026-03-12')).toBe('12/03/2026');
  });
});

describe('text in the embedded font', () => {
  let fonts: PdfFonts;
  beforeAll(async () => {
    fonts = await embedFonts(await PDFDocument.create());
  });

  it('keeps French punctuation and ligatures, composes accents', () => {
    expect(drawable('l’été « œuvre » — e\u0301', fonts)).toBe('l’été « œuvre » — é');
  });

  it('shows one "?" for each run of characters the font lacks, drops control characters', () => {
    expect(drawable('ok 👍🏽\u200d👍 fin\u0007\tx\r\ny', fonts)).toBe('ok ? fin x\ny');
  });

  it('wraps words within the width and cuts a word longer than a line', () => {
    const long = 'x'.repeat(80);
    const lines = wrapText(`Une remarque assez longue pour tenir sur plusieurs lignes\n${long}`, fonts.regular, 10, 120);
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(fonts.regular.widthOfTextAtSize(line, 10)).toBeLessThanOrEqual(120);
    expect(lines.join('').replace(/ /g, '')).toBe(`Une remarque assez longue pour tenir sur plusieurs lignes${long}`.replace(/ /g, ''));
  });
});
