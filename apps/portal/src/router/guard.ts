import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router';
import { type Role, portalByRole, safeRedirect } from '@/auth/portals';
import type { MessageKey } from '@/i18n/use-t';

declare module 'vue-router' {
  interface RouteMeta {
    /** The role a page belongs to; pages without one are public. */
    role?: Role;
    /** The forced password change: any signed-in role, before the change is done. */
    passwordChange?: boolean;
    /** The sign-in form of a portal. */
    signIn?: boolean;
    /** i18n key of the page title (document.title). */
    title?: MessageKey;
  }
}

export interface GuardViewer {
  readonly role: string;
  readonly mustChangePassword: boolean;
}

type Target = Pick<RouteLocationNormalized, 'fullPath' | 'meta' | 'params' | 'query'>;

/**
 * Who may open which page (the API checks again on every call: this only avoids showing a page
 * whose every call would be refused). Returns true, or where to go instead.
 */
export const guardDecision = (to: Target, viewer: GuardViewer | null): true | RouteLocationRaw => {
  const required = to.meta.role;
  if (required) {
    const portal = portalByRole(required)!;
    if (!viewer || viewer.role !== required) return { name: 'sign-in', params: { portal: portal.slug }, query: { redirect: to.fullPath } };
    if (viewer.mustChangePassword) return { name: 'change-password', query: { redirect: to.fullPath } };
    return true;
  }
  if (to.meta.passwordChange) {
    if (!viewer) return { name: 'home' };
    if (!viewer.mustChangePassword) return safeRedirect(to.query.redirect, viewer.role as Role);
    return true;
  }
  if (to.meta.signIn && viewer && !viewer.mustChangePassword) {
    // Already signed in through this portal: straight to the page asked for.
    const portal = portalByRole(viewer.role);
    if (portal && portal.slug === to.params.portal) return safeRedirect(to.query.redirect, portal.role);
  }
  return true;
};
