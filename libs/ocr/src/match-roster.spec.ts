import { parseHeaderFields, type HeaderFields } from './header-fields.js';
import { assignCopies, dateSimilarity, matchRoster, type MatchInput, type MatchResult, type RosterEntry } from './match-roster.js';
import { normaliseName, ocrDistance } from './normalise-name.js';

describe('normaliseName', () => {
  it('folds case, accents, ligatures, hyphens and apostrophes', () => {
    expect(normaliseName('  DUPONT-MARTIN ')).toBe('dupont martin');
    expect(normaliseName('Jean–Étienne')).toBe('jean etienne');
    expect(normaliseName("N'DIAYE")).toBe('n diaye');
    expect(normaliseName('N’Diaye')).toBe('n diaye');
    expect(normaliseName('Œillet  Maëlys')).toBe('oeillet maelys');
    expect(normaliseName('de  La   Fontaine')).toBe('de la fontaine');
  });
});

describe('a header read exactly', () => {
  it('identifies the student', () => {
    expect(decide(read('DUPONT-MARTIN', 'Jean-Étienne', '2008-05-17', 'TG2'))).toEqual(auto('dupont-martin-jean-etienne'));
  });
  it('identifies a student from surname and first name alone when no roster name is near theirs', () => {
    expect(decide(read('CHEVALIER', 'Emma'))).toEqual(auto('chevalier-emma'));
  });
  it('ranks the candidates best first, five at most, each with the probability of having written the copy', () => {
    const [result] = matchRoster([input('c1', read('DUPONT', 'Léa', '2008-03-12'))], ROSTER);
    expect(result?.candidates[0]?.studentId).toBe('dupont-lea');
    expect(result?.candidates[0]?.score).toBeGreaterThan(0.99);
    expect(result?.candidates.length).toBe(5);
    const scores = result?.candidates.map((c) => c.score) ?? [];
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(scores.reduce((sum, score) => sum + score, 0)).toBeLessThanOrEqual(1.001);
  });
});

describe('OCR noise', () => {
  it.each([
    ['dropped accents', read('LEFEVRE', 'Mathis', '2008-01-25'), 'lefevre-mathis'],
    ['l read as 1', read('MOU1IN', 'Louise', '2008-06-12'), 'moulin-louise'],
    ['O read as 0', read('M0REAU', 'Chl0é', '2008-10-10'), 'moreau-chloe'],
    ['rn read as m', read('BERNARDIN', 'Amaud', '2008-07-04'), 'bernardin-arnaud'],
    ['a missing hyphen', read('DUPONT MARTIN', 'Jean Etienne', '2008-05-17'), 'dupont-martin-jean-etienne'],
    ['one letter wrong', read('GIRARO', 'Inès', '2008-05-05'), 'girard-ines'],
    ['a particle dropped', read('FONTAINE', 'Marie', '2008-02-14'), 'delafontaine-marie'],
    ['a particle glued', read('Delafontaine', 'Marie', '2008-02-14'), 'delafontaine-marie'],
    ['an apostrophe lost', read('NDIAYE', 'Aissatou', '2008-07-07'), 'ndiaye-aissatou'],
    ['a compound first name half read', read('LE GOFF', 'Anne', '2008-09-30'), 'legoff-anne-sophie'],
    ['a date with day and month swapped', read('GARNIER', 'Lucas', '2008-03-02', 'TG3'), 'garnier-lucas'],
  ])('still identifies the student with %s', (_, fields, studentId) => {
    expect(decide(fields)).toEqual(auto(studentId));
  });

  it('keeps apart LEFÈVRE Mathis and LEFEBVRE Mathys by birth date, and sends them to the desk without it', () => {
    expect(decide(read('LEFEBVRE', 'Mathys', '2008-03-03'))).toEqual(auto('lefebvre-mathys'));
    expect(decide(read('LEFEBVRE', 'Mathys'))).toEqual(desk('ambiguous'));
  });
});

describe('evidence from each field, not an average', () => {
  it('identifies one of two namesakes by an exact birth date although the first name was half read', () => {
    expect(decide(read('BERNARD', 'Ca', '2008-06-21'))).toEqual(auto('bernard-camille-1'));
    expect(decide(read('BERNARD', 'Ca', '2007-12-30'))).toEqual(auto('bernard-camille-2'));
    expect(decide(read('BERNARD', 'Ca'))).toEqual(desk('ambiguous'));
  });
  it('adds up a surname one letter off, the first name and a date one digit off', () => {
    expect(decide(read('MOWLIN', 'Louise', '2008-06-13'))).toEqual(auto('moulin-louise'));
  });
  it('identifies names read exactly when the birth date line was unreadable (the exam’s date is no birth date)', () => {
    const text =
      'BACCALAURÉAT BLANC\nEpreuve du 12 mars 2025 — Durée : 4 heures\nNom :   CHEVALIER     Note :\nPrénom :  Emma\nClasse :  TG1\nTT   0 6/06/2 oo   Appréciation :';
    const fields = parseHeaderFields(text, { today: new Date('2026-03-12') });
    expect(fields).not.toHaveProperty('birthDate');
    expect(matchRoster([{ copyId: 'c', fields, text, confidence: 0.9 }], ROSTER)[0]?.decision).toEqual(auto('chevalier-emma'));
  });
  it('ranks first, but leaves to a person, a read whose every field is bent and nothing singles the pupil out', () => {
    const [result] = matchRoster([input('c', { lastName: 'GUERN', firstName: 'Nelys', birthDateDigits: '08182008' })], ROSTER);
    expect(result?.candidates[0]?.studentId).toBe('guerin-maelys');
    expect(result?.decision).toEqual(desk('ambiguous'));
  });
  it('compares a date OCR bent out of the calendar digit by digit', () => {
    const [near] = matchRoster([input('c', { lastName: 'MARTIN', firstName: 'Léa', birthDateDigits: '09192008' })], ROSTER);
    expect(near?.candidates[0]?.studentId).toBe('martin-lea');
    expect(decide({ lastName: 'GARNIER', firstName: 'Lucas', birthDateDigits: '03192008' })).toEqual(auto('garnier-lucas'));
    // Seven digits of eight wrong: another pupil's date, not a slip.
    expect(decide({ lastName: 'GARNIER', firstName: 'Lucas', birthDateDigits: '22912009' }).kind).toBe('desk');
  });
  it('takes a half-read first name for consistent, not for enough to tell siblings apart', () => {
    expect(decide(read('DUPONT', 'Hu'))).toEqual(desk('ambiguous'));
    expect(decide(read('DUPONT', 'Hu', '2007-11-02'))).toEqual(auto('dupont-hugo'));
  });
  it('takes an exact surname and birth date for enough when the first name read is more like the pupil’s than anyone else’s', () => {
    expect(decide(read('CHEVALIER', 'Gmna', '2008-06-06'))).toEqual(auto('chevalier-emma'));
    // `Zoé` is another pupil’s first name: on MOREAU Chloé’s birthday, the copy of her twin.
    expect(decide(read('MOREAU', 'Zoé', '2008-10-10')).kind).toBe('desk');
  });
  it('tells twins apart by a first name read well, and sends a garbled one or a third twin to the desk', () => {
    expect(decide(read('KONE', 'Ibrahim', '2008-04-22'))).toEqual(auto('kone-ibrahim'));
    expect(decide(read('KONÉ', 'Awa', '2008-04-22'))).toEqual(auto('kone-awa'));
    expect(decide(read('KONE', 'Xq', '2008-04-22')).kind).toBe('desk');
    expect(decide(read('KONE', 'Mariam', '2008-04-22')).kind).toBe('desk');
  });
  it('never identifies a pupil whose birth date or first name, read clearly, is another', () => {
    expect(decide(read('CHEVALIER', 'Emma', '2008-11-30')).kind).toBe('desk');
    expect(decide(read('CHEVALIER', 'Hortense', '2008-06-06')).kind).toBe('desk');
    // Only the year disagreeing is a misread year, not another pupil: no contradiction, no proof either.
    expect(decide(read('CHEVALIER', 'Emma', '2012-06-06'))).toEqual(auto('chevalier-emma'));
  });
});

describe('names filled in the wrong boxes', () => {
  it('identifies a student whose surname and first name are swapped', () => {
    expect(decide(read('Chloé', 'MOREAU', '2008-10-10'))).toEqual(auto('moreau-chloe'));
  });
  it('tells FRANÇOIS Louis from LOUIS François only by birth date', () => {
    expect(decide(read('LOUIS', 'François', '2008-07-17'))).toEqual(auto('francois-louis'));
    expect(decide(read('LOUIS', 'François', '2008-09-09'))).toEqual(auto('louis-francois'));
    expect(decide(read('LOUIS', 'François'))).toEqual(desk('ambiguous'));
  });
});

describe('namesakes and shared surnames', () => {
  it('identifies one of two BERNARD Camille only when the birth date is read', () => {
    expect(decide(read('BERNARD', 'Camille', '2008-06-21'))).toEqual(auto('bernard-camille-1'));
    expect(decide(read('BERNARD', 'Camille', '2007-12-30'))).toEqual(auto('bernard-camille-2'));
    expect(decide(read('BERNARD', 'Camille'))).toEqual(desk('ambiguous'));
    expect(decide(read('BERNARD', 'Camille', '2009-01-01'))).toEqual(desk('ambiguous'));
  });
  it('never identifies a surname read alone, even a unique one', () => {
    expect(decide(read('DUPONT'))).toEqual(desk('weak_read'));
    expect(decide(read('CHEVALIER'))).toEqual(desk('weak_read'));
  });
  it('tells apart siblings by first name', () => {
    expect(decide(read('DUPONT', 'Hugo'))).toEqual(auto('dupont-hugo'));
    expect(decide(read('DUPONT', 'Lea', '2008-03-12'))).toEqual(auto('dupont-lea'));
  });
  it('sends twins whose first names differ by one letter to the desk, even read exactly', () => {
    expect(decide(read('MARTIN', 'Léa', '2008-01-09'))).toEqual(desk('ambiguous'));
  });
});

describe('the batch', () => {
  it('sends two copies claiming the same student to the desk', () => {
    const results = matchRoster(
      [input('a', read('GARNIER', 'Lucas', '2008-02-03')), input('b', read('GARNIER', 'Lucas', '2008-02-03'))],
      ROSTER,
    );
    expect(results.map((r) => r.decision)).toEqual([desk('conflict'), desk('conflict')]);
  });
  it('sends both copies to the desk when a less complete read claims the same student', () => {
    const results = matchRoster([input('a', read('MOREAU', 'Chloé', '2008-10-10')), input('b', read('MOREAU', 'Chloe'))], ROSTER);
    expect(results.map((r) => r.decision)).toEqual([desk('conflict'), desk('conflict')]);
  });
  it('identifies every copy of a clean batch and keeps the order of the inputs', () => {
    const batch = ['girard-ines', 'faure-zoe', 'blanc-jules', 'dasilva-gabriel'].map((id) => input(id, fieldsOf(id)));
    const results = matchRoster(batch, ROSTER);
    expect(results.map((r) => [r.copyId, r.decision])).toEqual(batch.map((b) => [b.copyId, auto(b.copyId)]));
  });
  it('sends a copy whose student is already identified on another copy to the desk', () => {
    const [result] = matchRoster([input('c', read('BLANC', 'Jules', '2008-10-28'))], ROSTER, { takenStudentIds: new Set(['blanc-jules']) });
    expect(result?.decision).toEqual(desk('taken'));
    expect(result?.candidates[0]?.studentId).toBe('blanc-jules');
  });
  it('assigns each student at most one copy, maximising the total score', () => {
    // Greedy would give copy 0 student 0 (0.9) and leave copy 1 with 0.1; the optimum is 0.8 + 0.85.
    expect(
      assignCopies(
        [
          [0.9, 0.8],
          [0.85, 0.1],
        ],
        0.5,
      ),
    ).toEqual([1, 0]);
    expect(assignCopies([[0.9], [0.95]], 0.5)).toEqual([-1, 0]);
    expect(assignCopies([[0.4, 0.3]], 0.5)).toEqual([-1]);
    expect(assignCopies([], 0.5)).toEqual([]);
  });
});

describe('reads that cannot identify anyone', () => {
  it('sends an empty read to the desk', () => {
    expect(decide({})).toEqual(desk('weak_read'));
    expect(matchRoster([input('c', {})], ROSTER)[0]?.candidates).toEqual([]);
  });
  it('sends a read the OCR is unsure of to the desk however well it matches', () => {
    expect(matchRoster([input('c', read('CHEVALIER', 'Emma', '2008-06-06'), 0.3)], ROSTER)[0]?.decision).toEqual(desk('weak_read'));
  });
  it('sends a student who is not on the roster to the desk', () => {
    expect(decide(read('PETIT', 'Manon', '2008-04-04'))).toEqual(desk('no_candidate'));
    expect(decide(read('DUPONT', 'Manon', '2008-04-04')).kind).toBe('desk');
  });
  it('identifies by INE when the name agrees, and refuses a name contradicting the INE', () => {
    expect(decide({ lastName: 'ROCHE', ine: '120456789AB' })).toEqual(auto('roche-oceane'));
    expect(decide({ lastName: 'LAMBERT', firstName: 'Théo', ine: '120456789AB' }).kind).toBe('desk');
    // An INE the roster does not hold neither helps nor hurts.
    expect(decide({ ...read('CHEVALIER', 'Emma', '2008-06-06'), ine: '999456789ZZ' })).toEqual(auto('chevalier-emma'));
  });
});

describe('random noisy reads (property)', () => {
  it('never identifies a copy automatically as the wrong student', () => {
    const random = mulberry32(20240517);
    let autos = 0;
    let copies = 0;
    for (let trial = 0; trial < 300; trial++) {
      const ids = shuffle(
        ROSTER.map((s) => s.studentId),
        random,
      ).slice(0, 8);
      const outsider = random() < 0.5 ? [outsiderRead(random)] : [];
      const batch = [
        ...ids.map((id) => input(id, noisy(fieldsOf(id), random))),
        ...outsider.map((fields, k) => input(`outsider-${k}`, fields)),
      ];
      for (const result of matchRoster(batch, ROSTER)) {
        copies++;
        if (result.decision.kind !== 'auto') continue;
        autos++;
        expect({ copy: result.copyId, identified: result.decision.studentId }).toEqual({ copy: result.copyId, identified: result.copyId });
      }
    }
    // The property would hold trivially if everything went to the desk: most noisy reads still identify.
    expect(autos / copies).toBeGreaterThan(0.35);
  });
});

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────

const entry = (
  studentId: string,
  lastName: string,
  firstName: string,
  birthDate: string,
  className: string,
  ine?: string,
): RosterEntry => ({
  studentId,
  lastName,
  firstName,
  birthDate,
  className,
  ine: ine ?? null,
});

const ROSTER: RosterEntry[] = [
  entry('dupont-martin-jean-etienne', 'DUPONT-MARTIN', 'Jean-Étienne', '2008-05-17', 'TG2'),
  entry('dupont-lea', 'DUPONT', 'Léa', '2008-03-12', 'TG2'),
  entry('dupont-hugo', 'DUPONT', 'Hugo', '2007-11-02', 'TG1'),
  entry('martin-lea', 'MARTIN', 'Léa', '2008-01-09', 'TG2'),
  entry('martin-leo', 'MARTIN', 'Léo', '2008-01-09', 'TG2'),
  entry('martins-lucas', 'MARTINS', 'Lucas', '2008-06-30', 'TG3'),
  entry('bernard-camille-1', 'BERNARD', 'Camille', '2008-06-21', 'TG1'),
  entry('bernard-camille-2', 'BERNARD', 'Camille', '2007-12-30', 'TG3'),
  entry('bernardin-arnaud', 'BERNARDIN', 'Arnaud', '2008-07-04', 'TG1'),
  entry('delafontaine-marie', 'de LA FONTAINE', 'Marie', '2008-02-14', 'TG1'),
  entry('ndiaye-aissatou', "N'DIAYE", 'Aïssatou', '2008-07-07', 'TG2'),
  entry('legoff-anne-sophie', 'LE GOFF', 'Anne-Sophie', '2008-09-30', 'TG3'),
  entry('vanderberg-thomas', 'VAN DER BERG', 'Thomas', '2008-04-01', 'TG1'),
  entry('bensalah-yasmine', 'BEN SALAH', 'Yasmine', '2008-08-15', 'TG2'),
  entry('moreau-chloe', 'MOREAU', 'Chloé', '2008-10-10', 'TG3'),
  entry('lefevre-mathis', 'LEFÈVRE', 'Mathis', '2008-01-25', 'TG1'),
  entry('lefebvre-mathys', 'LEFEBVRE', 'Mathys', '2008-03-03', 'TG2'),
  entry('girard-ines', 'GIRARD', 'Inès', '2008-05-05', 'TG3'),
  entry('rousseau-noe', 'ROUSSEAU', 'Noé', '2008-11-11', 'TG1'),
  entry('faure-zoe', 'FAURE', 'Zoé', '2008-12-01', 'TG2'),
  entry('garnier-lucas', 'GARNIER', 'Lucas', '2008-02-03', 'TG3'),
  entry('chevalier-emma', 'CHEVALIER', 'Emma', '2008-06-06', 'TG1'),
  entry('francois-louis', 'FRANÇOIS', 'Louis', '2008-07-17', 'TG2'),
  entry('louis-francois', 'LOUIS', 'François', '2008-09-09', 'TG3'),
  entry('mercier-clement', 'MERCIER', 'Clément', '2008-04-18', 'TG1'),
  entry('blanc-jules', 'BLANC', 'Jules', '2008-10-28', 'TG2'),
  entry('guerin-maelys', 'GUÉRIN', 'Maëlys', '2008-08-08', 'TG3'),
  entry('roche-oceane', 'ROCHE', 'Océane', '2008-05-29', 'TG2', '120456789AB'),
  entry('dalembert-helene', "D'ALEMBERT", 'Hélène', '2008-01-31', 'TG3'),
  entry('dasilva-gabriel', 'DA SILVA', 'Gabriel', '2008-02-20', 'TG1'),
  entry('lambert-theo', 'LAMBERT', 'Théo', '2008-12-24', 'TG2', '120456790CD'),
  entry('moulin-louise', 'MOULIN', 'Louise', '2008-06-12', 'TG3'),
  // Twins: one surname, one birth date.
  entry('kone-awa', 'KONÉ', 'Awa', '2008-04-22', 'TG1'),
  entry('kone-ibrahim', 'KONÉ', 'Ibrahim', '2008-04-22', 'TG3'),
];

function read(lastName?: string, firstName?: string, birthDate?: string, className?: string): HeaderFields {
  return Object.fromEntries(Object.entries({ lastName, firstName, birthDate, className }).filter(([, v]) => v !== undefined));
}
const input = (copyId: string, fields: HeaderFields, confidence = 0.9): MatchInput => ({
  copyId,
  fields,
  text: JSON.stringify(fields),
  confidence,
});
const decide = (fields: HeaderFields): MatchResult['decision'] => matchRoster([input('copy', fields)], ROSTER)[0]!.decision;
const auto = (studentId: string): MatchResult['decision'] => ({ kind: 'auto', studentId });
const desk = (reason: Extract<MatchResult['decision'], { kind: 'desk' }>['reason']): MatchResult['decision'] => ({ kind: 'desk', reason });

function fieldsOf(studentId: string): HeaderFields {
  const student = ROSTER.find((s) => s.studentId === studentId)!;
  return {
    lastName: student.lastName,
    firstName: student.firstName,
    birthDate: student.birthDate ?? undefined,
    className: student.className ?? undefined,
  };
}

/** What OCR does to handwriting: accents, look-alikes, split letters, lost hyphens, a wrong letter, swapped or missing fields, misread digits. */
function noisy(fields: HeaderFields, random: () => number): HeaderFields {
  const name = (value: string | undefined): string | undefined => {
    if (value === undefined) return value;
    let text = value;
    const edits = Math.floor(random() * 3);
    for (let k = 0; k < edits; k++) text = pick(NAME_NOISE, random)(text, random);
    return text;
  };
  const out: HeaderFields = {
    lastName: name(fields.lastName),
    firstName: name(fields.firstName),
    className: fields.className,
    birthDate: fields.birthDate,
  };
  // Half a first name read (`Lu` for `Lucas`).
  if (out.firstName && random() < 0.1) out.firstName = out.firstName.slice(0, 2 + Math.floor(random() * 2));
  if (random() < 0.15) [out.lastName, out.firstName] = [out.firstName, out.lastName];
  if (random() < 0.3) delete out.birthDate;
  else if (random() < 0.25) out.birthDate = noisyDate(out.birthDate!, random);
  else if (random() < 0.1) {
    // A date bent out of the calendar: its digits, one of them misread.
    const [y, m, d] = out.birthDate!.split('-');
    const digits = [...`${d}${m}${y}`];
    digits[Math.floor(random() * 4)] = String(Math.floor(random() * 10));
    delete out.birthDate;
    out.birthDateDigits = digits.join('');
  }
  if (random() < 0.2) delete out.firstName;
  if (random() < 0.05) delete out.lastName;
  if (random() < 0.3) delete out.className;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

const NAME_NOISE: ((text: string, random: () => number) => string)[] = [
  (t) => t.normalize('NFD').replace(/\p{M}/gu, ''),
  (t) => t.replace(/l/i, '1'),
  (t) => t.replace(/o/i, '0'),
  (t) => t.replace(/m/i, 'rn'),
  (t) => t.replace(/[-']/, ' '),
  (t) => t.replace(/[-' ]/, ''),
  (t, random) => {
    const i = Math.floor(random() * t.length);
    return t.slice(0, i) + pick([...'abcdefghijklmnopqrstuvwxyz'], random) + t.slice(i + 1);
  },
  (t, random) => {
    const i = Math.floor(random() * t.length);
    return t.slice(0, i) + t.slice(i + 1);
  },
];

function noisyDate(iso: string, random: () => number): string {
  const [y, m, d] = iso.split('-');
  if (random() < 0.5) return `${y}-${d}-${m}`;
  const digits = [...iso];
  const positions = [2, 3, 5, 6, 8, 9];
  const at = pick(positions, random);
  digits[at] = String(Math.floor(random() * 10));
  return digits.join('');
}

/**
 * A pupil who is not on the roster: sometimes sharing a roster surname or first name, sometimes a
 * roster pupil's sibling (their surname), or twin (their surname and birth date).
 */
function outsiderRead(random: () => number): HeaderFields {
  const relative = random() < 0.4 ? pick(ROSTER, random) : undefined;
  const lastName = relative?.lastName ?? pick(['PETIT', 'DUPONT', 'MARTIN', 'ROBERT', 'BERNARD', 'LEROY', 'FAURE'], random);
  const firstName = pick(['Manon', 'Camille', 'Léna', 'Hugo', 'Arthur', 'Zoé', 'Jade', 'Ibrahima', 'Awa', 'Mathys'], random);
  const birthDate =
    relative?.birthDate && random() < 0.5 ? relative.birthDate : `2008-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
  const fields: HeaderFields = { lastName, firstName, birthDate };
  // A namesake — or a twin whose first name is one OCR slip away — born the same day or on a date one
  // slip away is indistinguishable by any header.
  const clash = ROSTER.some(
    (s) =>
      normaliseName(s.lastName) === normaliseName(lastName) &&
      ocrDistance(normaliseName(s.firstName), normaliseName(firstName)) <= 1 &&
      s.birthDate &&
      dateSimilarity(birthDate, s.birthDate) > 0,
  );
  return clash ? { ...fields, birthDate: '2009-12-31' } : fields;
}

function pick<T>(items: T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}
function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
