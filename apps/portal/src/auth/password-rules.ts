/**
 * The API's password rules (apps/api/src/auth/password.ts), checked before sending so the form can
 * say what is wrong next to the field. The API checks again.
 */
export type PasswordProblem = 'tooShort' | 'tooLong' | 'tooSimple' | 'sameAsCurrent' | 'mismatch';

export const passwordProblem = (next: string, confirm: string, current: string): PasswordProblem | null => {
  if (next.length < 12) return 'tooShort';
  if (next.length > 256) return 'tooLong';
  if (/^[a-zA-Z]+$/.test(next) || /^\d+$/.test(next)) return 'tooSimple';
  if (current !== '' && next === current) return 'sameAsCurrent';
  if (next !== confirm) return 'mismatch';
  return null;
};
