import { parseRoster } from './parse-roster.js';
import { foldName, rosterMatchKey, rosterNameKey } from './roster-match-key.js';

describe('a Pronote roster without a header', () => {
  const file = [
    'DUPONT-MARTIN Jean-Étienne;17/05/2008;jean.dupont@eleve.fr;TG2;G1',
    'DE LA FONTAINE Marie;3/1/2008;;TG2;',
    "N'DIAYE Aïssatou;29/02/2008;Aissatou.NDiaye@Eleve.fr;TG2;G2",
  ].join('\r\n');

  it('imports every line, splitting names and turning dates into YYYY-MM-DD', () => {
    expect(parseRoster(file)).toEqual({
      format: 'pronote',
      errors: [],
      rows: [
        {
          line: 1,
          lastName: 'DUPONT-MARTIN',
          firstName: 'Jean-Étienne',
          birthDate: '2008-05-17',
          email: 'jean.dupont@eleve.fr',
          className: 'TG2',
          group: 'G1',
        },
        { line: 2, lastName: 'DE LA FONTAINE', firstName: 'Marie', birthDate: '2008-01-03', className: 'TG2' },
        {
          line: 3,
          lastName: "N'DIAYE",
          firstName: 'Aïssatou',
          birthDate: '2008-02-29',
          email: 'aissatou.ndiaye@eleve.fr',
          className: 'TG2',
          group: 'G2',
        },
      ],
    });
  });

  it('reads the same file with a BOM and LF line ends', () => {
    const { rows, errors } = parseRoster('\uFEFF' + file.replace(/\r\n/g, '\n'));
    expect(errors).toEqual([]);
    expect(rows.map((row) => row.lastName)).toEqual(['DUPONT-MARTIN', 'DE LA FONTAINE', "N'DIAYE"]);
    expect(rows[0]?.lastName.startsWith('\uFEFF')).toBe(false);
  });
});

describe('a Pronote roster with a header', () => {
  it('skips the header and numbers lines as in the file', () => {
    const { rows, errors } = parseRoster(
      'NOM Prénom;date de naissance JJ/MM/AAAA;email;classe;groupe\n\nLE GOFF Anne Sophie;12/11/2007;;1G4;\n',
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([{ line: 3, lastName: 'LE GOFF', firstName: 'Anne Sophie', birthDate: '2007-11-12', className: '1G4' }]);
  });

  it('recognises an "Élève" header too', () => {
    const { rows, errors } = parseRoster('Élève;Né(e) le;Adresse e-mail;Classe;Groupe\nROUSSEAU Théo;01/09/2008;;TG1;');
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
  });
});

describe('a line with a problem', () => {
  const parse = (line: string) => parseRoster(`MOREAU Claire;14/07/2008;;TG2;\n${line}\nPETIT Lucas;02/02/2008;;TG2;`);

  it.each([
    ['BERNARD Hugo;31/02/2008;;TG2;', /not a real date: "31\/02\/2008"/],
    ['BERNARD Hugo;2008/05/12;;TG2;', /not a real date/],
    ['BERNARD Hugo;12/05/1896;;TG2;', /before 1900/],
    [';12/05/2008;;TG2;', /name is missing/],
    ['BERNARD;12/05/2008;;TG2;', /cannot tell the first name/],
    ['Bernard Hugo;12/05/2008;;TG2;', /no last name in capitals/],
    ['BERNARD Hugo;12/05/2008;hugo@;TG2;', /e-mail/],
    ['BERNARD Hugo;12/05/2008;;;G1', /class is missing/],
    ['BERNARD Hugo;12/05/2008;;TG2', /expected 5 fields.*found 4/],
    ['BERNARD Hugo;12/05/2008;;TG2;G1;extra', /expected 5 fields.*found 6/],
    ['"BERNARD Hugo;12/05/2008;;TG2;', /quoted field is not closed/],
  ])('reports %p with its line number and imports none of it', (line, message) => {
    const { rows, errors } = parse(line);
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(message) }]);
    expect(rows.map((row) => row.line)).toEqual([1, 3]);
  });

  it('reports every problem of the line at once', () => {
    const { errors } = parse('BERNARD Hugo;30/02/2008;hugo@;;G1');
    expect(errors[0]?.message).toMatch(/not a real date.*class is missing.*e-mail/);
  });

  it('refuses a birth date that is not in the past when today is known', () => {
    const { rows, errors } = parseRoster('BERNARD Hugo;12/05/2031;;TG2;', { today: '2025-03-14T08:30:00.000Z' });
    expect(rows).toEqual([]);
    expect(errors).toEqual([{ line: 1, message: expect.stringMatching(/not in the past/) }]);
  });

  it('refuses the second line for the same student, whatever the accents or case', () => {
    const { rows, errors } = parseRoster('ÉLUARD Éloïse;05/06/2008;;TG2;\nELUARD Eloise;05/06/2008;;TG3;');
    expect(rows.map((row) => row.className)).toEqual(['TG2']);
    expect(errors).toEqual([{ line: 2, message: 'same student as line 1' }]);
  });

  it('ignores blank lines and lines of empty fields', () => {
    const { rows, errors } = parseRoster('\r\nMOREAU Claire;14/07/2008;;TG2;\r\n   \r\n;;;;\r\n');
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
  });
});

describe('a plain CSV roster with a header', () => {
  it('reads `;` separated columns, with and without INE', () => {
    const { format, rows, errors } = parseRoster(
      'ine;nom;prenom;date_naissance;email;classe;groupe\r\n070802310JJ;Lefèvre;Chloé;2008-03-21;;TG1;G2\r\n;DE SAINT-EXUPÉRY;Antoine;21/03/2008;antoine@eleve.fr;TG1;\r\n',
    );
    expect(format).toBe('plain');
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, ine: '070802310JJ', lastName: 'Lefèvre', firstName: 'Chloé', birthDate: '2008-03-21', className: 'TG1', group: 'G2' },
      { line: 3, lastName: 'DE SAINT-EXUPÉRY', firstName: 'Antoine', birthDate: '2008-03-21', email: 'antoine@eleve.fr', className: 'TG1' },
    ]);
  });

  it('reads `,` separated quoted fields with escaped quotes and separators inside', () => {
    const { rows, errors } = parseRoster('nom,prenom,date_naissance,classe\n"O\'BRIEN, dit ""Bob""",Robert,2008-01-15,"TG 2"');
    expect(errors).toEqual([]);
    expect(rows).toEqual([{ line: 2, lastName: 'O\'BRIEN, dit "Bob"', firstName: 'Robert', birthDate: '2008-01-15', className: 'TG 2' }]);
  });

  it('takes the columns in any order, header accents and case ignored, unknown columns ignored', () => {
    const { rows, errors } = parseRoster('Classe;Prénom;NOM;Sexe;Date de naissance\nTG3;Noémie;Mbappé;F;09/10/2008');
    expect(errors).toEqual([]);
    expect(rows).toEqual([{ line: 2, lastName: 'Mbappé', firstName: 'Noémie', birthDate: '2008-10-09', className: 'TG3' }]);
  });

  it('refuses a bad INE on its line only', () => {
    const { rows, errors } = parseRoster(
      'ine;nom;prenom;date_naissance;classe\n12345678;Roux;Inès;2008-04-04;TG1\n123456789AB;Roux;Inès;2008-04-04;TG1',
    );
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(/INE "12345678"/) }]);
    expect(rows.map((row) => row.ine)).toEqual(['123456789AB']);
  });

  it('refuses the whole file when the header lacks a required column', () => {
    expect(parseRoster('nom;prenom;classe\nRoux;Inès;TG1')).toEqual({
      format: 'plain',
      rows: [],
      errors: [{ line: 1, message: 'the header lacks the column(s) date_naissance' }],
    });
  });

  it('refuses a missing first name', () => {
    const { errors } = parseRoster('nom;prenom;date_naissance;classe\nRoux; ;2008-04-04;TG1');
    expect(errors).toEqual([{ line: 2, message: 'the first name is missing' }]);
  });
});

describe('an empty file', () => {
  it('gives no rows and no errors', () => {
    expect(parseRoster('\uFEFF\r\n\r\n')).toEqual({ format: null, rows: [], errors: [] });
  });
});

describe('the roster match key', () => {
  it('is the INE when there is one, whatever its case', () => {
    expect(rosterMatchKey({ lastName: 'Roux', firstName: 'Inès', birthDate: '2008-04-04', ine: '123456789ab' })).toBe('ine:123456789AB');
  });

  it('folds case, accents, ligatures, hyphens, apostrophes and spaces of names', () => {
    const a = rosterMatchKey({ lastName: "N'DIAYE-SŒUR", firstName: 'Aïssatou Marie', birthDate: '2008-02-29' });
    const b = rosterMatchKey({ lastName: 'Ndiaye Soeur', firstName: 'aissatou-marie', birthDate: '2008-02-29' });
    expect(a).toBe(b);
    expect(a).toBe('name:ndiayesoeur|aissatoumarie|2008-02-29');
  });

  it('tells apart two students with the same name born on different days', () => {
    const row = { lastName: 'MARTIN', firstName: 'Léa', birthDate: '2008-02-29' };
    expect(rosterMatchKey(row)).not.toBe(rosterMatchKey({ ...row, birthDate: '2008-03-01' }));
  });

  it('offers the name key as a fallback for a student known without INE', () => {
    expect(rosterNameKey({ lastName: 'Roux', firstName: 'Inès', birthDate: '2008-04-04', ine: '123456789AB' })).toBe(
      'name:roux|ines|2008-04-04',
    );
    expect(foldName('Dupont-Martin Jean-Étienne')).toBe('dupontmartinjeanetienne');
  });
});
