import { parseHeaderDate, parseHeaderFields } from './header-fields.js';

/** The day of the reading: birth dates are judged plausible for a pupil on that day. */
const TODAY = new Date('2026-03-12T10:00:00Z');
const parse = (text: string) => parseHeaderFields(text, { today: TODAY });

const DUPONT_MARTIN = { lastName: 'DUPONT-MARTIN', firstName: 'Jean-Étienne', className: 'TG2', birthDate: '2008-05-17' };

describe('a header read by OCR', () => {
  it('gives its fields when labels and values share two rows', () => {
    expect(parse('Nom:  DUPONT-MARTIN     Prénom: Jean-Étienne\nClasse: TG2           Né(e)le: 17/05/2008')).toEqual(DUPONT_MARTIN);
  });
  it('gives its fields when each value sits on the line below its label', () => {
    expect(parse('Nom :\n\nDUPONT-MARTIN\n\nPrénom :\n\nJean-Étienne\n\nClasse :\n\nTG2\n\nNé(e) le :\n\n17/05/2008\n')).toEqual(
      DUPONT_MARTIN,
    );
  });
  it('takes the value below a label when specks were read after it', () => {
    const text =
      "Noin :       :        |        |   ‘    |\nN'DIAYE     |        |       1      \nPrénom :      |    0 |  |      a\nAissatou -       ;\nClasse :   _        Le\nTG1 |      |\nNé(e) le :    .     |\n07/07/2008";
    expect(parse(text)).toEqual({ lastName: "N'DIAYE", firstName: 'Aissatou', className: 'TG1', birthDate: '2008-07-07' });
  });
  it.each([
    ['N0m : DUPONT-MARTIN Pr€nom : Jean-Étienne\nClas5e : TG2 Nee le : 17/05/2008'],
    ['Norn : DUPONT-MARTIN Prenom : Jean-Étienne\nCasse : TG2 Ne le : 17/05/2008'],
    ['Nem : DUPONT-MARTIN Frénom : Jean-Étienne\nClasse: TG2 Né(ë) le : 17/05/2008'],
    ['Nomi DUPONT-MARTIN | Prénom : Jean-Étienne -\nClasse : TG2 Néte)le : 17/05/2008 ©'],
    ['NOM : DUPONT-MARTIN PRÉNOM : Jean-Étienne\nCLASSE : TG2 NÉ(E) LE : 17/05/2008'],
  ])('reads misread labels: %j', (text) => {
    expect(parse(text)).toEqual(DUPONT_MARTIN);
  });
  it('keeps particles, apostrophes and hyphens of the names, and re-glues a spaced hyphen', () => {
    expect(parse('Nom : de la FONTAINE   Prénom : Marie\nNom de famille : x')).toMatchObject({
      lastName: 'de la FONTAINE',
      firstName: 'Marie',
    });
    expect(parse('Nom : DUPONT - MARTIN   Prénom : Anne -Sophie')).toEqual({
      lastName: 'DUPONT-MARTIN',
      firstName: 'Anne-Sophie',
    });
    expect(parse("Nom de famille : N'DIAYE Prénom : Aïssatou")).toEqual({ lastName: "N'DIAYE", firstName: 'Aïssatou' });
  });
  it('does not take a first name like Claire for the class label, nor Prénom for Nom', () => {
    expect(parse('Nom : MARTIN Prénom : Claire Classe : TG1')).toEqual({
      lastName: 'MARTIN',
      firstName: 'Claire',
      className: 'TG1',
    });
    expect(parse('Pré nom : Claire')).toEqual({ firstName: 'Claire' });
  });
  it('splits a single "Nom et prénom" field on the capitals of the surname', () => {
    expect(parse('Nom et prénom : DUPONT-MARTIN Jean-Étienne\nNé le : 17.5.08')).toEqual({
      lastName: 'DUPONT-MARTIN',
      firstName: 'Jean-Étienne',
      birthDate: '2008-05-17',
    });
  });
  it('splits an unlabelled line only when the surname is in capitals', () => {
    expect(parse('DUPONT-MARTIN Jean-Étienne TG2 17-05-2008')).toEqual({
      lastName: 'DUPONT-MARTIN',
      firstName: 'Jean-Étienne',
      birthDate: '2008-05-17',
    });
    expect(parse('Dupont Jean')).toEqual({});
  });
  it('reads an INE after its label, folding look-alike letters among its digits', () => {
    expect(parse('Nom : ROCHE  N° INE : I2O456789AB')).toEqual({ lastName: 'ROCHE', ine: '120456789AB' });
    expect(parse('INE: 120 456 789 AB')).toEqual({ ine: '120456789AB' });
  });
  it('takes an unlabelled INE only in its exact shape', () => {
    expect(parse('ROCHE Océane 120456789AB')).toMatchObject({ ine: '120456789AB' });
    expect(parse('Épreuve 12345678901 page 1')).toEqual({});
  });
  it('takes an unlabelled date only when the text holds a single date that can be a pupil’s birth date', () => {
    expect(parse('MOREAU Chloé TG3 10/10/2008')).toMatchObject({ birthDate: '2008-10-10' });
    expect(parse('Bac blanc du 12/01/2026 — MOREAU Chloé 10/10/2008')).toMatchObject({ birthDate: '2008-10-10' });
    expect(parse('MOREAU Chloé 10/10/2008 ou 11/10/2008')).not.toHaveProperty('birthDate');
  });
  it('returns nothing for empty or meaningless text', () => {
    expect(parse('')).toEqual({});
    expect(parse('| ‘ ‘ : _ -- ©\n\n  ;;')).toEqual({});
    expect(parse('Nom :\nPrénom :\nClasse :\nNé(e) le :')).toEqual({});
  });
  it('leaves out a birth date it cannot read rather than guessing', () => {
    expect(parse('Nom : MOREAU Né(e) le : 29/92 oof')).toEqual({ lastName: 'MOREAU' });
    // A day lost: `12/2008` is not 20 December 2008.
    expect(parse('Nom : MOREAU Né(e) le : N,12/2008')).toEqual({ lastName: 'MOREAU' });
  });
});

describe('the birth date of a pupil', () => {
  const EXAM_TITLE = 'BACCALAURÉAT BLANC — MATHÉMATIQUES\nEpreuve du 12 mars 2025 — Durée : 4 heures\n';

  it('is never the exam’s own date, when the label was misread and the date with it', () => {
    const text = `${EXAM_TITLE}Nom :    ROBERT     Note :\nPrénom :   Louis\nClasse :  1G3\nTT      2 4/07/2 oo      Appréciation :`;
    expect(parse(text)).toEqual({ lastName: 'ROBERT', firstName: 'Louis', className: '1G3' });
  });
  it('is found without its label when it is the only date a pupil can be born on', () => {
    const text = `${EXAM_TITLE}Nom :  ROBERT\nPrénom : Louis\nTOE      24/07/2008      Appreciation`;
    expect(parse(text)).toMatchObject({ lastName: 'ROBERT', firstName: 'Louis', birthDate: '2008-07-24' });
  });
  it('makes a pupil between 8 and 30 years old on the day of the reading', () => {
    expect(parse('Né(e) le : 12/03/2018')).toEqual({ birthDate: '2018-03-12' });
    expect(parse('Né(e) le : 13/03/2018')).toEqual({});
    expect(parse('Né(e) le : 12/03/1996')).toEqual({ birthDate: '1996-03-12' });
    expect(parse('Né(e) le : 11/03/1995')).toEqual({});
    expect(parse('Né(e) le : 17/08/72 008')).toEqual({});
  });
  it('keeps the digits of a date OCR bent out of the calendar, for the matcher to compare', () => {
    expect(parse('Nom : PÉTT\nNé(e) le :   16/19/2008')).toEqual({ lastName: 'PÉTT', birthDateDigits: '16192008' });
    expect(parse('Né(e) le : 22/91/2009')).toEqual({ birthDateDigits: '22912009' });
    // A year no pupil is born in is no lead either.
    expect(parse('Né(e) le : 16/19/2025')).toEqual({});
  });
});

describe('a birth date as people write it', () => {
  it.each([
    ['17/05/2008', '2008-05-17'],
    ['17-05-08', '2008-05-17'],
    ['17.5.2008', '2008-05-17'],
    ['17 05 2008', '2008-05-17'],
    ['17 mai 2008', '2008-05-17'],
    ['17 MAI 2008', '2008-05-17'],
    ['1er mai 08', '2008-05-01'],
    ['3 févr. 2009', '2009-02-03'],
    ['3 fevrier 2009', '2009-02-03'],
    ['12 juil 2007', '2007-07-12'],
    ['12 decembre 1999', '1999-12-12'],
    ['17052008', '2008-05-17'],
    ['1705/2008', '2008-05-17'],
    ['2008-05-17', '2008-05-17'],
    ['17/O5/2OO8', '2008-05-17'],
    ['l7/05/2008', '2008-05-17'],
    ['le : 17/05/2008', '2008-05-17'],
    ['05/17/2008', '2008-05-17'],
    ['01/02/99', '1999-02-01'],
  ])('reads %j as %s', (raw, iso) => {
    expect(parseHeaderDate(raw)).toBe(iso);
  });
  it.each([['31/02/2008'], ['12 jui 2008'], ['17/05'], ['2008'], ['abc'], [''], ['122008'], ['12/2008']])('refuses %j', (raw) => {
    expect(parseHeaderDate(raw)).toBeUndefined();
  });
});

describe('a header line that runs into the grade box', () => {
  it('stops the surname at the column gap and at the sheet’s own labels', () => {
    const text =
      'Nom :         LE GALL                                                 Note :\nPrénom :      Jean-Baptiste\n/20\nClasse :        1G3\nAppréciation :\n\nNé(e) le :      23/06/2009';
    expect(parse(text)).toEqual({ lastName: 'LE GALL', firstName: 'Jean-Baptiste', className: '1G3', birthDate: '2009-06-23' });
  });

  it('ends a value at the grade box’s Appréciation even without its colon, and never takes it for one', () => {
    expect(parse('Classe :   gs\nAppréciation\nNé(e) le : 14/03/2009')).toEqual({ birthDate: '2009-03-14' });
    expect(parse('Classe :   1G3     Appreciation')).toEqual({ className: '1G3' });
  });

  it('keeps the words of a name written with wide spacing', () => {
    expect(parse('Nom :    DE   LA   FONTAINE\nPrénom : Marie-Anne').lastName).toBe('DE LA FONTAINE');
  });
});
