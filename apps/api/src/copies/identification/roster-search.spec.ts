import { rosterRank, searchRoster } from './roster-search.js';

const CLASS = [
  { lastName: 'LE GOFF', firstName: 'Titouan' },
  { lastName: 'KERGUELEN', firstName: 'Maëlys' },
  { lastName: 'LEGRAND', firstName: 'Éloïse' },
  { lastName: 'N’DIAYE', firstName: 'Awa' },
  { lastName: 'GOFFIC', firstName: 'Léo' },
];

describe('the identification desk’s roster search', () => {
  it('finds a surname by its beginning, whatever the case, spaces or accents', () => {
    // Léo GOFFIC also has a word for each typed word, after the surname match.
    expect(searchRoster('le go', CLASS, 10).map((s) => s.lastName)).toEqual(['LE GOFF', 'GOFFIC']);
    expect(searchRoster('legoff', CLASS, 10).map((s) => s.lastName)).toEqual(['LE GOFF']);
    expect(searchRoster('ndia', CLASS, 10).map((s) => s.lastName)).toEqual(['N’DIAYE']);
  });

  it('finds a first name without its accents', () => {
    expect(searchRoster('maelys', CLASS, 10).map((s) => s.lastName)).toEqual(['KERGUELEN']);
    expect(searchRoster('ELOI', CLASS, 10).map((s) => s.lastName)).toEqual(['LEGRAND']);
  });

  it('matches every typed word against the words of the name, in any order', () => {
    expect(searchRoster('mae kerg', CLASS, 10).map((s) => s.lastName)).toEqual(['KERGUELEN']);
    expect(searchRoster('goff ti', CLASS, 10).map((s) => s.lastName)).toEqual(['LE GOFF']);
  });

  it('puts surname prefixes before first-name prefixes and word matches', () => {
    expect(rosterRank('le', CLASS[0]!)).toBe(0);
    expect(rosterRank('leo', CLASS[4]!)).toBe(1);
    expect(rosterRank('goff', CLASS[0]!)).toBe(2);
    expect(searchRoster('le', CLASS, 10).map((s) => s.lastName)).toEqual(['LE GOFF', 'LEGRAND', 'GOFFIC']);
  });

  it('finds nothing for a blank text or a name not in the class, and keeps to the limit', () => {
    expect(searchRoster('  ', CLASS, 10)).toEqual([]);
    expect(searchRoster('dupont', CLASS, 10)).toEqual([]);
    expect(searchRoster('le', CLASS, 2)).toHaveLength(2);
  });
});
