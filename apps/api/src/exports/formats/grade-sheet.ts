/**
 * What every grade export is made from: one exam, its scored questions, and one line per student
 * expected to sit it. Plain data, built from the read models (grade-sheet.query.ts) or by a test.
 */

/** A scored (leaf) question, labelled with its parents' labels ("Exercice 1 › 1.a"). */
export interface GradeSheetQuestion {
  readonly questionId: string;
  readonly label: string;
  readonly maxPoints: number;
}

/** What the student's copy says: corrected and finalised, still being corrected, or no copy at all. */
export type GradeSheetResult =
  | {
      readonly status: 'finalised';
      readonly anonymousCode: string;
      readonly total: number;
      /** The copy's own maximum (the scale it was finalised on). */
      readonly max: number;
      /** Points per question id; a question the copy's scale did not have is absent. */
      readonly scores: Readonly<Record<string, number>>;
      readonly appreciation: string;
    }
  | { readonly status: 'not_finalised'; readonly anonymousCode: string }
  | { readonly status: 'absent' };

export interface GradeSheetStudent {
  readonly lastName: string;
  readonly firstName: string;
  /** ISO date, yyyy-mm-dd. */
  readonly birthDate: string;
  readonly className: string;
  readonly result: GradeSheetResult;
}

export interface ExamGradeSheet {
  readonly title: string;
  readonly subject: string;
  readonly questions: readonly GradeSheetQuestion[];
  /** In the order the files list them (class, name, birth date: grade-sheet.query.ts sorts them). */
  readonly students: readonly GradeSheetStudent[];
}

/** How each status reads in the detailed exports. */
export const STATUS_LABELS: Readonly<Record<GradeSheetResult['status'], string>> = {
  finalised: 'Corrigée',
  not_finalised: 'Correction en cours',
  absent: 'Absent (aucune copie)',
};

/** yyyy-mm-dd → dd/mm/yyyy, as Pronote and French spreadsheets write dates. */
export const frenchDate = (iso: string): string => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new RangeError(`not an ISO date: ${iso}`);
  return `${match[3]}/${match[2]}/${match[1]}`;
};
