import type { DomainError } from '../shared/domain-error.js';
import type { CopyEvent, CopyPage } from './copy.events.js';
import { type RecutCopy, type RecutStep, planRecut, staleFirstPage } from './copy-recut.js';

const newId = (chunk: number) => `new-${chunk}`;

describe('re-cutting four-page copies after the scanner skipped a page of the third', () => {
  // Students' pages 1-4, 5-8, 9-11 (one lost), 12-15: cut by four, copy c ends with the next student's first page.
  const copies = cut([4, 4, 4, 3]);

  it('keeps the pages before N where they are and shifts every following copy back by one page', () => {
    const plan = planRecut(copies, 12, 4, newId);
    expect(numbers(plan.layout)).toEqual([
      ['c0', [1, 2, 3, 4]],
      ['c1', [5, 6, 7, 8]],
      ['c2', [9, 10, 11]],
      ['c3', [12, 13, 14, 15]],
    ]);
    expect(plan).toMatchObject({ changed: ['c2', 'c3'], created: [], discarded: [] });
  });

  it('moves each page once, straight to its place in page order', () => {
    expect(planRecut(copies, 12, 4, newId).steps).toEqual([
      { kind: 'move', fromCopyId: 'c2', toCopyId: 'c3', pageIds: ['p12'], position: 0, newCopy: false },
    ]);
  });

  it('plans nothing once the copies are cut that way: a re-cut asked again is harmless', () => {
    const plan = planRecut(planRecut(copies, 12, 4, newId).layout, 12, 4, newId);
    expect(plan.steps).toEqual([]);
    expect(plan.changed).toEqual([]);
  });

  it('plans only what is left when a re-cut stopped half way', () => {
    const long = cut([4, 4, 4, 4, 4, 3]);
    const full = planRecut(long, 12, 4, newId);
    expect(full.steps).toHaveLength(3);
    const halfDone = run(long, full.steps.slice(0, 2));
    const rest = planRecut(halfDone, 12, 4, newId);
    expect(rest.steps).toEqual(full.steps.slice(2));
    expect(rest.layout).toEqual(full.layout);
  });
});

describe('re-cutting into copies of another size', () => {
  it('discards the copies left over by merging them into the copy their pages go to', () => {
    const plan = planRecut(cut([2, 2, 2, 2]), 1, 4, newId);
    expect(numbers(plan.layout)).toEqual([
      ['c0', [1, 2, 3, 4]],
      ['c1', [5, 6, 7, 8]],
    ]);
    expect(plan.discarded).toEqual(['c2', 'c3']);
    expect(plan.steps.filter((step) => step.kind === 'merge')).toEqual([
      { kind: 'merge', fromCopyId: 'c2', toCopyId: 'c1' },
      { kind: 'merge', fromCopyId: 'c3', toCopyId: 'c1' },
    ]);
    expect(numbers(run(cut([2, 2, 2, 2]), plan.steps))).toEqual(numbers(plan.layout));
  });

  it('creates the copies still needed, named by their chunk so a retry names them the same', () => {
    const plan = planRecut(cut([4, 4]), 1, 2, newId);
    expect(plan.created).toEqual(['new-2', 'new-3']);
    expect(numbers(plan.layout)).toEqual([
      ['c0', [1, 2]],
      ['c1', [3, 4]],
      ['new-2', [5, 6]],
      ['new-3', [7, 8]],
    ]);
    expect(plan.steps.find((step) => step.kind === 'move' && step.toCopyId === 'new-2')).toMatchObject({ newCopy: true });
    expect(numbers(run(cut([4, 4]), plan.steps))).toEqual(numbers(plan.layout));
  });

  it('never empties a copy it still needs, whatever the sizes', () => {
    for (const [sizes, fromPage, per] of [
      [[2, 2, 2, 2, 2], 3, 3],
      [[1, 3, 1, 3], 2, 2],
      [[3, 3, 3], 2, 1],
      [[5, 1, 1, 1], 1, 2],
    ] as const) {
      const copies = cut([...sizes]);
      const plan = planRecut(copies, fromPage, per, newId);
      expect(numbers(run(copies, plan.steps))).toEqual(numbers(plan.layout));
      const all = plan.layout.flatMap((copy) => copy.pages.map((page) => page.number));
      expect(all).toEqual(Array.from({ length: all.length }, (_, index) => index + 1));
    }
  });

  it('leaves a short last copy short', () => {
    expect(numbers(planRecut(cut([3, 3, 1]), 1, 3, newId).layout).at(-1)).toEqual(['c2', [7]]);
  });
});

describe('a re-cut asked wrongly', () => {
  it('refuses a page the scan does not have, and a copy size out of range', () => {
    expect(code(() => planRecut(cut([2, 2]), 5, 2, newId))).toBe('VALIDATION');
    expect(code(() => planRecut(cut([2, 2]), 0, 2, newId))).toBe('VALIDATION');
    expect(code(() => planRecut(cut([2, 2]), 1, 0, newId))).toBe('VALIDATION');
    expect(code(() => planRecut(cut([2, 2]), 1, 101, newId))).toBe('VALIDATION');
  });

  it('refuses copies where two pages bear the same number', () => {
    const copies = [...cut([2]), { copyId: 'x', pages: [page(2, 'other-scan')] }];
    expect(code(() => planRecut(copies, 1, 2, newId))).toBe('ILLEGAL_STATE');
  });
});

describe('a copy whose first page changed', () => {
  const imported: CopyEvent = {
    type: 'CopyImported',
    data: { copyId: 'c', examId: 'e', scanId: 's', pages: [page(1), page(2)], anonymousCode: 'K-2345' },
  };
  const identified: CopyEvent = { type: 'StudentIdentified', data: { copyId: 'c', studentId: 'st', method: 'auto', by: 'system' } };
  const read: CopyEvent = {
    type: 'HeaderRead',
    data: { copyId: 'c', engine: 'tesseract', text: 'Le Goff', candidates: [], confidence: 0.9 },
  };
  const newFirst: CopyEvent = {
    type: 'PagesAttached',
    data: { copyId: 'c', transferId: 't', fromCopyId: 'b', pages: [page(0)], position: 0 },
  };

  it('keeps an identification and a reading made on its first page', () => {
    expect(staleFirstPage([imported, read, identified])).toEqual({ identification: false, header: false });
  });

  it('calls stale an identification and a reading made on another page', () => {
    expect(staleFirstPage([imported, read, identified, newFirst])).toEqual({ identification: true, header: true });
  });

  it('is satisfied again by a reading of the new first page', () => {
    expect(staleFirstPage([imported, read, newFirst, read])).toEqual({ identification: false, header: false });
  });
});

function page(number: number, scan = 's'): CopyPage {
  return { pageId: scan === 's' ? `p${number}` : `${scan}-${number}`, number };
}

/** Copies c0, c1… of consecutive pages with these sizes. */
function cut(sizes: number[]): RecutCopy[] {
  let number = 0;
  return sizes.map((size, index) => ({ copyId: `c${index}`, pages: Array.from({ length: size }, () => page(++number)) }));
}

function numbers(copies: readonly RecutCopy[]): [string, number[]][] {
  return copies.map((copy) => [copy.copyId, copy.pages.map((p) => p.number)]);
}

/** Runs steps the way the copies' streams would, checking the rules the decider enforces. */
function run(copies: readonly RecutCopy[], steps: readonly RecutStep[]): RecutCopy[] {
  const current = new Map(copies.map((copy) => [copy.copyId, [...copy.pages]]));
  for (const step of steps) {
    if (step.kind === 'reorder') {
      const byId = new Map(current.get(step.copyId)!.map((p) => [p.pageId, p]));
      current.set(
        step.copyId,
        step.pageIds.map((id) => byId.get(id)!),
      );
      continue;
    }
    const source = current.get(step.fromCopyId)!;
    if (step.kind === 'merge') {
      expect(current.has(step.toCopyId)).toBe(true);
      current.set(step.toCopyId, [...current.get(step.toCopyId)!, ...source]);
      current.delete(step.fromCopyId);
      continue;
    }
    const moving = source.filter((p) => step.pageIds.includes(p.pageId));
    expect(moving.length).toBeLessThan(source.length);
    expect(current.has(step.toCopyId)).toBe(!step.newCopy);
    const into = current.get(step.toCopyId) ?? [];
    current.set(step.toCopyId, [...into.slice(0, step.position), ...moving, ...into.slice(step.position)]);
    current.set(
      step.fromCopyId,
      source.filter((p) => !step.pageIds.includes(p.pageId)),
    );
  }
  return [...current].map(([copyId, pages]) => ({ copyId, pages })).sort((a, b) => a.pages[0]!.number - b.pages[0]!.number);
}

function code(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as DomainError).code;
  }
  return undefined;
}
