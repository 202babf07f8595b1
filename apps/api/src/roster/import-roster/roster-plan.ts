import { randomUUID } from 'node:crypto';
import { type RosterRow, rosterNameKey } from '#domain';

/** A student already in the students read model, as the matcher needs them. */
export type KnownStudent = {
  studentId: string;
  lastName: string;
  firstName: string;
  birthDate: string;
  ine: string | null;
  withdrawn: boolean;
};

export type RosterStep =
  | { line: number; kind: 'enrol'; studentId: string; row: RosterRow }
  | { line: number; kind: 'update'; studentId: string; row: RosterRow }
  | { line: number; kind: 'refuse'; message: string; studentId?: string };

/**
 * Decides, line by line, which student each row is (the deciders' handler note): the INE first; else
 * last name + first name + birth date (`rosterNameKey`), skipping a namesake whose recorded INE
 * differs (a different person). Two students behind one key is refused rather than guessed; so is a
 * second line landing on a student an earlier line already took. Students enrolled by earlier lines
 * of the same file are matched too, so the plan never enrols one person twice.
 */
export const planRoster = (rows: readonly RosterRow[], known: readonly KnownStudent[]): RosterStep[] => {
  const byIne = new Map<string, KnownStudent>();
  const byName = new Map<string, KnownStudent[]>();
  const remember = (student: KnownStudent): void => {
    if (student.ine) byIne.set(student.ine.toUpperCase(), student);
    const key = nameKey(student);
    byName.set(key, [...(byName.get(key) ?? []), student]);
  };
  known.forEach(remember);
  const takenBy = new Map<string, number>();

  return rows.map((row): RosterStep => {
    const { line } = row;
    const ine = row.ine?.toUpperCase();
    let match = ine ? byIne.get(ine) : undefined;
    if (!match) {
      const namesakes = (byName.get(nameKey(row)) ?? []).filter((student) => !ine || !student.ine || student.ine.toUpperCase() === ine);
      if (namesakes.length > 1) {
        return {
          line,
          kind: 'refuse',
          message: 'plusieurs élèves du registre ont ce nom et cette date de naissance : ajoutez l’INE pour les distinguer',
        };
      }
      match = namesakes[0];
    }
    if (match) {
      const earlier = takenBy.get(match.studentId);
      if (earlier !== undefined) return { line, kind: 'refuse', message: `même élève que la ligne ${earlier}`, studentId: match.studentId };
      takenBy.set(match.studentId, line);
      if (match.withdrawn) return { line, kind: 'refuse', message: 'cet élève a été retiré du registre', studentId: match.studentId };
      return { line, kind: 'update', studentId: match.studentId, row };
    }
    const student: KnownStudent = {
      studentId: randomUUID(),
      lastName: row.lastName,
      firstName: row.firstName,
      birthDate: row.birthDate,
      ine: ine ?? null,
      withdrawn: false,
    };
    remember(student);
    takenBy.set(student.studentId, line);
    return { line, kind: 'enrol', studentId: student.studentId, row };
  });
};

const nameKey = ({ lastName, firstName, birthDate }: { lastName: string; firstName: string; birthDate: string }): string =>
  rosterNameKey({ lastName, firstName, birthDate });
