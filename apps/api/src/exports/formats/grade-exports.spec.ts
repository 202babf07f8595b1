import { unzipSync, strFromU8 } from 'fflate';
import { type Document, Window } from 'happy-dom';
import { neutraliseFormula } from './csv-field.js';
import type { ExamGradeSheet } from './grade-sheet.js';
import { gradesCsv } from './grades-csv.js';
import { gradesXlsx } from './grades-xlsx.js';
import { pronoteCsv } from './pronote-csv.js';

const BOM = '\uFEFF';
const HYPERLINK = '=HYPERLINK("http://evil.test";"Cliquez")';

describe('the Pronote file', () => {
  it('is exactly the bytes Pronote imports', () => {
    const expected =
      `${BOM}NOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE\r\n` +
      `Kerguélen;Maëlys;04/05/2008;Mathématiques;16,25;1;"'=HYPERLINK(""http://evil.test"";""Cliquez"")"\r\n` +
      `Martin;Lucas;02/01/2008;Mathématiques;12,35;1;"'+2 points de soin Bon travail ; continuez"\r\n` +
      `Martin;Lucas;30/12/2007;Mathématiques;2,68;1;\r\n` +
      `N'Diaye;Aïssata;21/07/2008;Mathématiques;A;1;\r\n` +
      `Le Bihan;Tanguy;11/11/2008;Mathématiques;N;1;\r\n`;
    expect(pronoteCsv(SHEET).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(pronoteCsv(SHEET).toString('utf8')).toBe(expected); // the readable diff when it fails
  });

  it('starts with the UTF-8 BOM bytes', () => {
    expect([...pronoteCsv(SHEET).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('writes the chosen coefficient and subject on every line', () => {
    const lines = pronoteCsv(SHEET, { coefficient: 0.5, subject: 'Maths spé; expertes' }).toString('utf8').split('\r\n');
    expect(lines[1]).toBe(`Kerguélen;Maëlys;04/05/2008;"Maths spé; expertes";16,25;0,5;"'=HYPERLINK(""http://evil.test"";""Cliquez"")"`);
    expect(lines.slice(1, -1).every((line) => line.includes(';0,5;'))).toBe(true);
    expect(pronoteCsv(SHEET, { coefficient: 2 }).toString('utf8').split('\r\n')[4]).toBe(`N'Diaye;Aïssata;21/07/2008;Mathématiques;A;2;`);
  });

  it('refuses a coefficient Pronote would not take', () => {
    for (const coefficient of [0, -1, 0.125, 101, Number.NaN]) expect(() => pronoteCsv(SHEET, { coefficient })).toThrow(RangeError);
  });
});

describe('neutralising spreadsheet formulas', () => {
  it('puts an apostrophe before a field that a spreadsheet would compute', () => {
    expect(['=1+1', '+33 6', '-Lise', '@SUM(A1)', '\tx', '\rx'].map(neutraliseFormula)).toEqual([
      "'=1+1",
      "'+33 6",
      "'-Lise",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
    ]);
  });

  it('leaves ordinary text alone', () => {
    expect(['Anne-Lise', 'Le Goff', '12 = douze', ''].map(neutraliseFormula)).toEqual(['Anne-Lise', 'Le Goff', '12 = douze', '']);
  });
});

describe('the detailed CSV', () => {
  it('is exactly one column per question, the totals and the appreciation', () => {
    const expected =
      `${BOM}Classe;Nom;Prénom;Date de naissance;Code anonyme;Statut;Exercice 1 › 1.a (/4);Exercice 1 › 1.b (/6);Exercice 2 (/10);Total;Barème;Note /20;Appréciation\r\n` +
      `TG1;Kerguélen;Maëlys;04/05/2008;K7Q2;Corrigée;3,5;2,75;10;16,25;20;16,25;"'=HYPERLINK(""http://evil.test"";""Cliquez"")"\r\n` +
      `TG1;Martin;Lucas;02/01/2008;M3X9;Corrigée;2,35;0;10;12,35;20;12,35;"'+2 points de soin\r\nBon travail ; continuez"\r\n` +
      `TG2;Martin;Lucas;30/12/2007;P4T6;Corrigée;2,68;0;;2,68;20;2,68;\r\n` +
      `TG1;N'Diaye;Aïssata;21/07/2008;;Absent (aucune copie);;;;;;;\r\n` +
      `TG1;Le Bihan;Tanguy;11/11/2008;B8R5;Correction en cours;;;;;;;\r\n`;
    expect(gradesCsv(SHEET).toString('utf8')).toBe(expected);
    expect(gradesCsv(SHEET).equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });
});

describe('the Excel workbook', () => {
  it('is the same bytes every time', () => {
    expect(gradesXlsx(SHEET).equals(gradesXlsx(SHEET))).toBe(true);
  });

  it('holds the package parts and parses as XML', () => {
    const parts = unzipSync(gradesXlsx(SHEET));
    expect(Object.keys(parts).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    for (const [name, bytes] of Object.entries(parts))
      expect([name, xml(strFromU8(bytes)).querySelector('parsererror')]).toEqual([name, null]);
  });

  it('has a frozen bold header, fitted widths, numbers as numbers and every text as a value', () => {
    const sheet = xml(strFromU8(unzipSync(gradesXlsx(SHEET))['xl/worksheets/sheet1.xml']!));
    const pane = sheet.getElementsByTagName('pane')[0]!;
    expect([pane.getAttribute('state'), pane.getAttribute('ySplit'), pane.getAttribute('topLeftCell')]).toEqual(['frozen', '1', 'A2']);
    expect(sheet.getElementsByTagName('col').length).toBe(13);
    expect(sheet.getElementsByTagName('f').length).toBe(0);
    const cells = cellsOf(sheet);
    expect(cells.get('A1')).toEqual({ type: 'inlineStr', style: '1', value: 'Classe' });
    expect(cells.get('G1')?.value).toBe('Exercice 1 › 1.a (/4)');
    expect(cells.get('B2')).toEqual({ type: 'inlineStr', style: null, value: 'Kerguélen' });
    expect(cells.get('M2')).toEqual({ type: 'inlineStr', style: null, value: HYPERLINK });
    expect(cells.get('G3')).toEqual({ type: null, style: null, value: '2.35' });
    expect(cells.get('L2')).toEqual({ type: null, style: '2', value: '16.25' });
    expect(cells.get('L4')).toEqual({ type: null, style: '2', value: '2.68' });
    expect(cells.get('M3')?.value).toBe('+2 points de soin\nBon travail ; continuez');
    expect(cells.get('F5')?.value).toBe('Absent (aucune copie)');
    expect(cells.has('E5')).toBe(false);
    expect(cells.has('L6')).toBe(false);
    expect(sheet.getElementsByTagName('dimension')[0]!.getAttribute('ref')).toBe('A1:M6');
  });

  it('keeps characters XML cannot carry out, and Excel escapes literal', () => {
    const hostile: ExamGradeSheet = {
      ...SHEET,
      students: [{ ...SHEET.students[0]!, lastName: 'A\u0001B & <C>', firstName: ' Zoé ', className: '_x0041_' }],
    };
    const cells = cellsOf(xml(strFromU8(unzipSync(gradesXlsx(hostile))['xl/worksheets/sheet1.xml']!)));
    expect([cells.get('A2')?.value, cells.get('B2')?.value, cells.get('C2')?.value]).toEqual(['_x005F_x0041_', 'AB & <C>', ' Zoé ']);
  });
});

const xml = (text: string): Document => new new Window().DOMParser().parseFromString(text, 'application/xml');

const cellsOf = (sheet: Document): Map<string, { type: string | null; style: string | null; value: string | null }> =>
  new Map(
    [...sheet.getElementsByTagName('c')].map((c) => [
      c.getAttribute('r')!,
      { type: c.getAttribute('t'), style: c.getAttribute('s'), value: c.textContent },
    ]),
  );

/** Three questions on 20 points; five students: namesakes, a formula-looking appreciation, an absent, a copy in progress. */
const SHEET: ExamGradeSheet = {
  title: 'Bac blanc de mathématiques',
  subject: 'Mathématiques',
  questions: [
    { questionId: 'q1a', label: 'Exercice 1 › 1.a', maxPoints: 4 },
    { questionId: 'q1b', label: 'Exercice 1 › 1.b', maxPoints: 6 },
    { questionId: 'q2', label: 'Exercice 2', maxPoints: 10 },
  ],
  students: [
    {
      lastName: 'Kerguélen',
      firstName: 'Maëlys',
      birthDate: '2008-05-04',
      className: 'TG1',
      result: {
        status: 'finalised',
        anonymousCode: 'K7Q2',
        total: 16.25,
        max: 20,
        scores: { q1a: 3.5, q1b: 2.75, q2: 10 },
        appreciation: HYPERLINK,
      },
    },
    {
      lastName: 'Martin',
      firstName: 'Lucas',
      birthDate: '2008-01-02',
      className: 'TG1',
      result: {
        status: 'finalised',
        anonymousCode: 'M3X9',
        total: 12.345,
        max: 20,
        scores: { q1a: 2.345, q1b: 0, q2: 10 },
        appreciation: '+2 points de soin\r\nBon travail ; continuez',
      },
    },
    {
      lastName: 'Martin',
      firstName: 'Lucas',
      birthDate: '2007-12-30',
      className: 'TG2',
      // Finalised on an older scale without exercise 2: its column stays empty.
      result: { status: 'finalised', anonymousCode: 'P4T6', total: 2.675, max: 20, scores: { q1a: 2.675, q1b: 0 }, appreciation: '' },
    },
    { lastName: "N'Diaye", firstName: 'Aïssata', birthDate: '2008-07-21', className: 'TG1', result: { status: 'absent' } },
    {
      lastName: 'Le Bihan',
      firstName: 'Tanguy',
      birthDate: '2008-11-11',
      className: 'TG1',
      result: { status: 'not_finalised', anonymousCode: 'B8R5' },
    },
  ],
};
