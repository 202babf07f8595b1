import { describe, expect, it } from 'vitest';
import type { RouteMeta } from 'vue-router';
import { guardDecision } from './guard';
import { safeRedirect } from '@/auth/portals';

const to = (fullPath: string, meta: RouteMeta, params: Record<string, string> = {}, query: Record<string, string> = {}) => ({
  fullPath,
  meta,
  params,
  query,
});
const admin = { role: 'admin', mustChangePassword: false };
const teacher = { role: 'teacher', mustChangePassword: false };

describe('who may open which page', () => {
  it('sends a visitor to the portal’s sign-in, and back to the page after', () => {
    expect(guardDecision(to('/admin/examens/e1/bareme', { role: 'admin' }), null)).toEqual({
      name: 'sign-in',
      params: { portal: 'admin' },
      query: { redirect: '/admin/examens/e1/bareme' },
    });
  });

  it('sends a teacher who opens an admin page to the admin sign-in', () => {
    expect(guardDecision(to('/admin/utilisateurs', { role: 'admin' }), teacher)).toMatchObject({
      name: 'sign-in',
      params: { portal: 'admin' },
    });
  });

  it('lets the right role in', () => {
    expect(guardDecision(to('/correcteur', { role: 'teacher' }), teacher)).toBe(true);
  });

  it('holds anyone with a temporary password on the password page', () => {
    const decision = guardDecision(to('/eleve', { role: 'student' }), { role: 'student', mustChangePassword: true });
    expect(decision).toEqual({ name: 'change-password', query: { redirect: '/eleve' } });
  });

  it('leaves the password page once the password is changed', () => {
    expect(guardDecision(to('/mot-de-passe', { passwordChange: true }, {}, { redirect: '/admin/verrous' }), admin)).toBe('/admin/verrous');
    expect(guardDecision(to('/mot-de-passe', { passwordChange: true }), null)).toEqual({ name: 'home' });
  });

  it('skips the sign-in form of the portal one is already signed in to', () => {
    expect(guardDecision(to('/connexion/admin', { signIn: true }, { portal: 'admin' }, { redirect: '/admin/audit' }), admin)).toBe(
      '/admin/audit',
    );
    expect(guardDecision(to('/connexion/admin', { signIn: true }, { portal: 'admin' }), teacher)).toBe(true);
  });
});

describe('where to go after signing in', () => {
  it.each([
    ['/admin/examens/e1', 'admin', '/admin/examens/e1'],
    ['/admin?x=1', 'admin', '/admin?x=1'],
    ['//evil.example/admin', 'admin', '/admin'],
    ['/\\evil.example', 'admin', '/admin'],
    ['https://evil.example/admin', 'admin', '/admin'],
    ['/admin/utilisateurs', 'teacher', '/correcteur'],
    ['/administration', 'admin', '/admin'],
    [undefined, 'student', '/eleve'],
  ] as const)('%s for a %s goes to %s', (raw, role, expected) => {
    expect(safeRedirect(raw, role)).toBe(expected);
  });
});
