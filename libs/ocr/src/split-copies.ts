/**
 * Cuts a class's scan into copies of a fixed number of pages (DESIGN §7). It never guesses: a page
 * count that does not divide, a page without ink, a first page whose header band is empty are
 * flagged for the exam office (the copy is still produced, in scan order) and said in French.
 */

/** A subset of the domain's CopyFlagReason. */
export type SplitFlag = 'missing_pages' | 'blank_pages' | 'no_header';
export interface SplitCopy {
  pages: number[];
  flags: SplitFlag[];
}
export interface SplitPage {
  number: number;
  inkRatio: number;
  headerInkRatio?: number;
}

/** Below this share of dark pixels a page is blank: a few dust specks pass, a single written word does not. */
export const BLANK_PAGE_INK = 0.0005;
/** Below this share the header band of a first page holds neither the printed header nor a name. */
export const EMPTY_HEADER_INK = 0.001;

export function splitCopies(pages: readonly SplitPage[], pagesPerCopy: number): { copies: SplitCopy[]; warnings: string[] } {
  if (!Number.isInteger(pagesPerCopy) || pagesPerCopy < 1)
    throw new RangeError(`pages per copy must be a whole number from 1, got ${pagesPerCopy}`);
  const ordered = [...pages].sort((a, b) => a.number - b.number);
  ordered.forEach((page, i) => {
    if (i > 0 && ordered[i - 1]!.number === page.number) throw new RangeError(`page ${page.number} is listed twice`);
  });
  const warnings: string[] = [];
  if (ordered.length === 0) return { copies: [], warnings: ['Le PDF ne contient aucune page à découper.'] };

  const remainder = ordered.length % pagesPerCopy;
  if (remainder !== 0) {
    warnings.push(
      `${plural(ordered.length, 'page')} ne se divisent pas en copies de ${plural(pagesPerCopy, 'page')} : la dernière copie a ${plural(remainder, 'page')}.`,
    );
  }
  const copies: SplitCopy[] = [];
  for (let start = 0; start < ordered.length; start += pagesPerCopy) {
    const slice = ordered.slice(start, start + pagesPerCopy);
    const label = `Copie ${copies.length + 1} (${pagesLabel(slice)})`;
    const flags: SplitFlag[] = [];
    if (slice.length < pagesPerCopy) flags.push('missing_pages');
    const blank = slice.filter((page) => page.inkRatio < BLANK_PAGE_INK).map((page) => page.number);
    if (blank.length > 0) {
      flags.push('blank_pages');
      warnings.push(
        `${label} : ${blank.length === 1 ? `la page ${blank[0]} semble blanche` : `les pages ${list(blank)} semblent blanches`}.`,
      );
    }
    const first = slice[0]!;
    if (first.headerInkRatio !== undefined && first.headerInkRatio < EMPTY_HEADER_INK) {
      flags.push('no_header');
      warnings.push(`${label} : pas d’en-tête sur la première page (page ${first.number}) ; le découpage est peut-être décalé.`);
    }
    copies.push({ pages: slice.map((page) => page.number), flags });
  }
  return { copies, warnings };
}

const plural = (count: number, word: string): string => `${count} ${word}${count > 1 ? 's' : ''}`;
const list = (numbers: readonly number[]): string => `${numbers.slice(0, -1).join(', ')} et ${numbers.at(-1)}`;
const pagesLabel = (slice: readonly SplitPage[]): string =>
  slice.length === 1 ? `page ${slice[0]!.number}` : `pages ${slice[0]!.number} à ${slice.at(-1)!.number}`;
