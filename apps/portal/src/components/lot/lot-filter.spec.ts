import { describe, expect, it } from 'vitest';
import type { CopyStatus } from '@/graphql/generated';
import { countByFilter, filterLot, neighbours, queryFromView, viewFromQuery, type LotCopy } from './lot-filter';

describe('a corrector’s lot', () => {
  it('is shown by anonymous code, whatever order the API sent', () => {
    expect(filterLot(LOT, { filter: 'all', search: '' }).map(code)).toEqual(['A2-P4', 'A10-Z1', 'B7-K2', 'C3-M8', 'D5-R6']);
  });

  it('filters copies to correct, in progress and corrected', () => {
    expect(filterLot(LOT, { filter: 'todo', search: '' }).map(code)).toEqual(['A2-P4', 'D5-R6']);
    expect(filterLot(LOT, { filter: 'inProgress', search: '' }).map(code)).toEqual(['B7-K2']);
    expect(filterLot(LOT, { filter: 'finalised', search: '' }).map(code)).toEqual(['A10-Z1', 'C3-M8']);
    expect(countByFilter(LOT)).toEqual({ all: 5, todo: 2, inProgress: 1, finalised: 2 });
  });

  it('finds a code typed without its dash or in lower case', () => {
    expect(filterLot(LOT, { filter: 'all', search: 'b7 k' }).map(code)).toEqual(['B7-K2']);
    expect(filterLot(LOT, { filter: 'all', search: 'c3m8' }).map(code)).toEqual(['C3-M8']);
  });

  it('keeps its filter and search in the address, and ignores what it does not know there', () => {
    const view = { filter: 'todo', search: 'B7' } as const;
    expect(viewFromQuery(queryFromView(view) as Record<string, string>)).toEqual(view);
    expect(viewFromQuery({ etat: 'nimporte', code: ['x'] })).toEqual({ filter: 'all', search: '' });
  });
});

describe('next and previous copy', () => {
  it('walk the copies the filter shows, in the lot’s order', () => {
    const around = neighbours(LOT, { filter: 'all', search: '' }, id('B7-K2'));
    expect([around.previous?.anonymousCode, around.next?.anonymousCode, around.position, around.count]).toEqual(['A10-Z1', 'C3-M8', 3, 5]);
  });

  it('lead on from a copy that has just left the filter', () => {
    // B7-K2 was finalised while "to correct" is shown: next is still the copy after it.
    const lot = LOT.map((copy) => (copy.anonymousCode === 'B7-K2' ? { ...copy, status: 'FINALISED' as const } : copy));
    const around = neighbours(lot, { filter: 'todo', search: '' }, id('B7-K2'));
    expect([around.previous?.anonymousCode, around.next?.anonymousCode, around.position]).toEqual(['A2-P4', 'D5-R6', 0]);
  });

  it('stop at the ends of the lot', () => {
    expect(neighbours(LOT, { filter: 'all', search: '' }, id('A2-P4')).previous).toBeUndefined();
    expect(neighbours(LOT, { filter: 'all', search: '' }, id('D5-R6')).next).toBeUndefined();
  });
});

const copy = (anonymousCode: string, status: CopyStatus): LotCopy => ({ copyId: `id-${anonymousCode}`, anonymousCode, status });
const LOT: LotCopy[] = [
  copy('C3-M8', 'FINALISED'),
  copy('A10-Z1', 'FINALISED'),
  copy('B7-K2', 'IN_PROGRESS'),
  copy('D5-R6', 'ASSIGNED'),
  copy('A2-P4', 'ASSIGNED'),
];
const code = (c: LotCopy): string => c.anonymousCode;
const id = (anonymousCode: string): string => `id-${anonymousCode}`;
