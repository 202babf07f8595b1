import type { Portal } from '@/graphql/generated';

/**
 * The three sign-in entries (DESIGN §1) and how each maps to the API's role, its URL and its home.
 * The viewer's role comes from the API as 'admin' | 'teacher' | 'student'.
 */
export type Role = 'admin' | 'teacher' | 'student';
export type PortalSlug = 'admin' | 'correcteur' | 'eleve';

export interface PortalEntry {
  readonly slug: PortalSlug;
  readonly role: Role;
  readonly api: Portal;
  readonly home: string;
}

export const PORTALS: readonly PortalEntry[] = [
  { slug: 'admin', role: 'admin', api: 'ADMIN', home: '/admin' },
  { slug: 'correcteur', role: 'teacher', api: 'TEACHER', home: '/correcteur' },
  { slug: 'eleve', role: 'student', api: 'STUDENT', home: '/eleve' },
];

export const portalBySlug = (slug: unknown): PortalEntry | undefined => PORTALS.find((portal) => portal.slug === slug);
export const portalByRole = (role: string | undefined): PortalEntry | undefined => PORTALS.find((portal) => portal.role === role);

/**
 * Where to go after signing in: the requested page when it belongs to the same portal and stays on
 * this site (no `//host` or `/\host` trick), else the portal's home.
 */
export const safeRedirect = (raw: unknown, role: Role): string => {
  const home = portalByRole(role)!.home;
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return home;
  return raw === home || raw.startsWith(`${home}/`) || raw.startsWith(`${home}?`) ? raw : home;
};
