import type { ClassScan } from '../../fixtures/class-scan.js';
import { frenchDate } from '../../fixtures/roster.js';
import type { ScaleQuestion } from './admin-steps.js';

/** The mock exam the browser scenario runs: its scale, its corrector, the marks typed, and the roster as the school sends it. */

export const EXAM = { title: 'Bac blanc de physique-chimie', subject: 'Physique-chimie', date: '2025-01-23' };
export const TEACHER = { name: 'Hélène Quéméner', email: 'helene.quemener@lycee.test', password: 'Correction-Fevrier-25' };
export const REASON = 'Vérification du barème par le secrétariat d’examen';

/** 20 points: a two-part exercise on half points, one on quarter points, one on whole points. */
export const SCALE: ScaleQuestion[] = [
  {
    label: 'Exercice 1 — Mécanique',
    children: [
      { label: 'Bilan des forces', maxPoints: 3, step: '0,5' },
      { label: 'Deuxième loi de Newton', maxPoints: 5, step: '0,5' },
    ],
  },
  { label: 'Exercice 2 — Chimie organique', maxPoints: 7, step: '0,25' },
  { label: 'Exercice 3 — Ondes', maxPoints: 5, step: '1' },
];

/** Marks as typed on a French keyboard, question after question; the first copy's as the student reads them. */
export const MARKS = {
  first: ['2,5', '4', '5,75', '4'],
  firstTotal: 16.25,
  firstShown: ['2,5 / 3', '4 / 5', '5,75 / 7', '4 / 5'],
  others: ['2', '3,5', '6', '3'],
};

/**
 * The model's suggestions for every copy, question after question. On the first copy the teacher has
 * typed the first two marks; they accept the model's 5,75 for chemistry and correct its 3 to 4 for
 * waves, so the copy ends on MARKS.first as before. The gap to the final scores: 1 point on 4 questions.
 */
export const AI = {
  answerKey: 'Exercice 2 : la molécule est l’éthanol, fonction alcool, 7 points si le mécanisme est complet.',
  suggested: [2.5, 4, 5.75, 3],
  accept: SCALE[1]!.label,
  edit: { label: SCALE[2]!.label, points: '4' },
};

/** The sum of typed marks as the portal prints it (16,25). */
export const shown = (marks: readonly string[]): string =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 }).format(marks.reduce((sum, mark) => sum + Number(mark.replace(',', '.')), 0));

/** A student as the school's roster has them (the birth date may disagree with the copy's header). */
export type RosterView = { lastName: string; firstName: string; birthDate: string };

/**
 * The class roster with a typing slip in some students' birth dates (the school's file disagrees
 * with what the pupil wrote): the matcher cannot be sure of those copies, so they wait at the desk
 * with the right student as a candidate, and a person confirms them. `studentOf` gives, for the
 * copy starting on a page of the scan, its student as the roster (and so the desk) shows them.
 */
export const rosterWithWrongBirthDates = (
  scan: ClassScan,
  copyIndexes: readonly number[],
): { csv: string; studentOf: (firstPage: number) => RosterView } => {
  let csv = scan.rosterCsv;
  const changed = new Map<number, string>();
  for (const index of copyIndexes) {
    const { lastName, firstName, birthDate } = scan.truth.copies[index]!.student;
    const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
    // Another day, month and year: two digits or more apart, which no OCR slip explains.
    const wrong = `${year - 1}-${String((month % 12) + 1).padStart(2, '0')}-${String((day % 28) + 1).padStart(2, '0')}`;
    const line = `${lastName};${firstName};${frenchDate(birthDate)};`;
    if (!csv.includes(line)) throw new Error(`the roster has no line starting with ${line}`);
    csv = csv.replace(line, `${lastName};${firstName};${frenchDate(wrong)};`);
    changed.set(index, wrong);
  }
  const studentOf = (firstPage: number): RosterView => {
    const copy = scan.truth.copies.find((candidate) => candidate.firstPage === firstPage);
    if (!copy) throw new Error(`no copy of the scan starts on page ${firstPage}`);
    const { lastName, firstName, birthDate } = copy.student;
    return { lastName, firstName, birthDate: changed.get(copy.index) ?? birthDate };
  };
  return { csv, studentOf };
};

/** A date as the portal writes it in French (23 février 2008). */
export const longDate = (iso: string): string =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
