import { foldName } from '#domain';

export interface RosterName {
  readonly lastName: string;
  readonly firstName: string;
}

const words = (name: string): string[] =>
  name
    .split(/[\s\-'’.]+/)
    .map(foldName)
    .filter(Boolean);

/**
 * How well a typed text names a student, for the desk's type-ahead: 0 a surname prefix ("le go" →
 * LE GOFF), 1 a first-name prefix, 2 every typed word starting a word of the name ("gof ti", "ma
 * kerg"); null otherwise. Case, accents, hyphens and apostrophes are folded as the roster matcher
 * does, so "maelys" finds Maëlys and "legoff" finds LE GOFF.
 */
export const rosterRank = (text: string, student: RosterName): number | null => {
  const typed = foldName(text);
  if (typed === '') return null;
  if (foldName(student.lastName).startsWith(typed)) return 0;
  if (foldName(student.firstName).startsWith(typed)) return 1;
  const tokens = words(text);
  const own = [...words(student.lastName), ...words(student.firstName)];
  if (tokens.length > 0 && tokens.every((token) => own.some((word) => word.startsWith(token)))) return 2;
  return null;
};

/** The students `text` names, best first, then by surname and first name; at most `first`. */
export const searchRoster = <S extends RosterName>(text: string, students: readonly S[], first: number): S[] =>
  students
    .flatMap((student) => {
      const rank = rosterRank(text, student);
      return rank === null ? [] : [{ student, rank }];
    })
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        foldName(a.student.lastName).localeCompare(foldName(b.student.lastName)) ||
        foldName(a.student.firstName).localeCompare(foldName(b.student.firstName)),
    )
    .slice(0, first)
    .map(({ student }) => student);
