import { BLANK_PAGE_INK, EMPTY_HEADER_INK, type SplitPage, splitCopies } from './split-copies.js';

/* Given the rendered pages' ink measures, when the scan is cut every N pages, then these copies and flags. */

describe('a scan cut into copies of a fixed number of pages', () => {
  it('gives one copy per group of pages, in scan order, without flags when every page is written', () => {
    const given = pages(8);
    const { copies, warnings } = splitCopies(given, 4);
    expect(copies).toEqual([
      { pages: [1, 2, 3, 4], flags: [] },
      { pages: [5, 6, 7, 8], flags: [] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('orders pages by number whatever order they were rendered in', () => {
    const given = pages(4).reverse();
    expect(splitCopies(given, 2).copies.map((copy) => copy.pages)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('flags the short last copy when the page count does not divide, and says so', () => {
    const given = pages(35);
    const { copies, warnings } = splitCopies(given, 4);
    expect(copies).toHaveLength(9);
    expect(copies.at(-1)).toEqual({ pages: [33, 34, 35], flags: ['missing_pages'] });
    expect(copies.slice(0, -1).every((copy) => copy.flags.length === 0)).toBe(true);
    expect(warnings).toEqual(['35 pages ne se divisent pas en copies de 4 pages : la dernière copie a 3 pages.']);
  });

  it('speaks of one page in the singular', () => {
    const { warnings } = splitCopies(pages(5), 2);
    expect(warnings).toEqual(['5 pages ne se divisent pas en copies de 2 pages : la dernière copie a 1 page.']);
  });

  it('flags a copy holding a blank page and names the page', () => {
    const given = pages(8, { 7: { inkRatio: BLANK_PAGE_INK / 2 } });
    const { copies, warnings } = splitCopies(given, 4);
    expect(copies[1]).toEqual({ pages: [5, 6, 7, 8], flags: ['blank_pages'] });
    expect(copies[0]!.flags).toEqual([]);
    expect(warnings).toEqual(['Copie 2 (pages 5 à 8) : la page 7 semble blanche.']);
  });

  it('lists every blank page of a copy', () => {
    const given = pages(4, { 2: { inkRatio: 0 }, 3: { inkRatio: 0 }, 4: { inkRatio: 0 } });
    expect(splitCopies(given, 4).warnings).toEqual(['Copie 1 (pages 1 à 4) : les pages 2, 3 et 4 semblent blanches.']);
  });

  it('flags a copy whose first page has nothing in its header band: the cut may be off by a page', () => {
    const given = pages(6, { 4: { headerInkRatio: EMPTY_HEADER_INK / 10 } });
    const { copies, warnings } = splitCopies(given, 3);
    expect(copies.map((copy) => copy.flags)).toEqual([[], ['no_header']]);
    expect(warnings).toEqual(['Copie 2 (pages 4 à 6) : pas d’en-tête sur la première page (page 4) ; le découpage est peut-être décalé.']);
  });

  it('does not judge the header of a page that is not a copy’s first, nor a header it was not told about', () => {
    const given = pages(4, { 2: { headerInkRatio: 0 } }).map((page) => (page.number === 3 ? { number: 3, inkRatio: 0.05 } : page));
    expect(splitCopies(given, 2).copies.map((copy) => copy.flags)).toEqual([[], []]);
  });

  it('keeps every flag of a copy that has several problems', () => {
    const given = pages(5, { 5: { inkRatio: 0, headerInkRatio: 0 } });
    expect(splitCopies(given, 2).copies.at(-1)).toEqual({ pages: [5], flags: ['missing_pages', 'blank_pages', 'no_header'] });
  });

  it('cuts a one-page-per-copy scan without remainder', () => {
    const { copies, warnings } = splitCopies(pages(3), 1);
    expect(copies.map((copy) => copy.pages)).toEqual([[1], [2], [3]]);
    expect(warnings).toEqual([]);
  });

  it('says when there is nothing to cut', () => {
    expect(splitCopies([], 4)).toEqual({ copies: [], warnings: ['Le PDF ne contient aucune page à découper.'] });
  });

  it('refuses a page count per copy that is not a whole number from 1, and a page listed twice', () => {
    expect(() => splitCopies(pages(4), 0)).toThrow(RangeError);
    expect(() => splitCopies(pages(4), 2.5)).toThrow(RangeError);
    expect(() => splitCopies([...pages(2), { number: 2, inkRatio: 0.1 }], 2)).toThrow('page 2 is listed twice');
  });
});

// ---------------------------------------------------------------------------------------------

/** `count` written pages with a written header band, some of them changed. */
function pages(count: number, changes: Record<number, Partial<SplitPage>> = {}): SplitPage[] {
  return Array.from({ length: count }, (_, i) => ({ number: i + 1, inkRatio: 0.04, headerInkRatio: 0.03, ...changes[i + 1] }));
}
