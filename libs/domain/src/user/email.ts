/**
 * E-mail addresses, shared by staff accounts, students and the roster import. One normal form —
 * trimmed, lower-cased — so uniqueness and matching never depend on how someone typed it.
 */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Deliberately pragmatic: one `@`, no spaces, a dot in the domain, RFC length limits. The real proof
 * of an address is a mail that arrives; this only catches typing and column mistakes.
 */
export const isValidEmail = (email: string): boolean => {
  if (email.length > 254) return false;
  const match = /^([^\s@]+)@([^\s@]+\.[^\s@.]+)$/.exec(email);
  if (!match) return false;
  const [, local = '', domain = ''] = match;
  return local.length <= 64 && !domain.startsWith('.') && !domain.includes('..');
};
