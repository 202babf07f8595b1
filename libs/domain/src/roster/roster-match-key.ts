/**
 * The key a roster import upserts on. An INE identifies a student for their whole schooling, so it wins
 * when present; otherwise last name + first name + birth date, folded so that `Éloïse`, `ELOISE` and
 * `eloise` agree, and so do `DUPONT-MARTIN`, `Dupont Martin` and `DUPONTMARTIN`, or `N'DIAYE` and `NDIAYE`.
 * A student imported once without INE and later with one changes key: the handler looks up the INE key
 * first, then falls back to `rosterNameKey` before enrolling anyone new.
 */
export type RosterIdentity = { lastName: string; firstName: string; birthDate: string; ine?: string | undefined };

export const rosterMatchKey = (row: RosterIdentity): string => (row.ine ? `ine:${row.ine.trim().toUpperCase()}` : rosterNameKey(row));

export const rosterNameKey = (row: RosterIdentity): string => `name:${foldName(row.lastName)}|${foldName(row.firstName)}|${row.birthDate}`;

/** Case, accents, ligatures, hyphens, apostrophes, dots and spaces folded away: only letters and digits remain. */
export const foldName = (value: string): string =>
  value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');
