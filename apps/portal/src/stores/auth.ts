import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { client } from '@/graphql/client';
import { ApiError } from '@/graphql/errors';
import { ChangePasswordDocument, MeDocument, SignInDocument, SignOutDocument, type ViewerFieldsFragment } from '@/graphql/generated';
import { closeLive } from '@/graphql/live';
import { type PortalEntry, portalByRole } from '@/auth/portals';

export type Viewer = ViewerFieldsFragment;

/**
 * Who is signed in, and the session-expired flow: when a call comes back UNAUTHENTICATED the client
 * waits on `expectReauth()`, which opens the re-sign-in dialog over the current page (nothing is
 * navigated away, so unsaved work stays) and resolves once the same person has signed in again.
 */
export const useAuthStore = defineStore('auth', () => {
  const viewer = ref<Viewer | null>(null);
  const loaded = ref(false);
  /** A student's one-time code, kept in memory only between the sign-in and the forced change. */
  const accessCode = ref<string | null>(null);
  const reauthOpen = ref(false);
  let settleReauth: ((signedIn: boolean) => void) | null = null;
  let pendingReauth: Promise<boolean> | null = null;

  const portal = computed<PortalEntry | undefined>(() => portalByRole(viewer.value?.role));

  async function load(force = false): Promise<Viewer | null> {
    if (loaded.value && !force) return viewer.value;
    const { me } = await client.request(MeDocument, {}, { retryOnSessionExpiry: false });
    viewer.value = me;
    loaded.value = true;
    return me;
  }

  async function signIn(entry: PortalEntry, login: string, password: string): Promise<Viewer> {
    const { signIn: signedIn } = await client.request(
      SignInDocument,
      { portal: entry.api, login, password },
      { retryOnSessionExpiry: false },
    );
    viewer.value = signedIn;
    loaded.value = true;
    accessCode.value = entry.role === 'student' && signedIn.mustChangePassword ? password : null;
    return signedIn;
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<Viewer> {
    const { changePassword: changed } = await client.request(ChangePasswordDocument, { currentPassword, newPassword });
    viewer.value = changed;
    accessCode.value = null;
    return changed;
  }

  async function signOut(): Promise<void> {
    try {
      await client.request(SignOutDocument, {}, { retryOnSessionExpiry: false });
    } catch (error) {
      // An expired session is already signed out; anything else must not keep the person signed in here.
      if (!(error instanceof ApiError)) throw error;
    } finally {
      clear();
    }
  }

  function clear(): void {
    viewer.value = null;
    accessCode.value = null;
    void closeLive();
  }

  /** The client's session-expired handler: resolves true once the same person signed in again. */
  function expectReauth(): Promise<boolean> {
    if (!viewer.value) return Promise.resolve(false);
    reauthOpen.value = true;
    pendingReauth ??= new Promise<boolean>((resolve) => (settleReauth = resolve));
    return pendingReauth;
  }

  /**
   * Signs in again from the dialog. Another account is refused: the work waiting to be retried was
   * started by the person who was signed in.
   */
  async function reauthenticate(login: string, password: string): Promise<void> {
    const entry = portal.value;
    const expected = viewer.value?.id;
    if (!entry || !expected) throw new Error('no session to renew');
    const { signIn: signedIn } = await client.request(
      SignInDocument,
      { portal: entry.api, login, password },
      { retryOnSessionExpiry: false },
    );
    if (signedIn.id !== expected) {
      await client.request(SignOutDocument, {}, { retryOnSessionExpiry: false }).catch(() => undefined);
      throw new ApiError('FORBIDDEN', '', { otherAccount: true });
    }
    viewer.value = signedIn;
    finishReauth(true);
  }

  /** The person gives up: the waiting calls fail and the session is cleared. */
  function abandonReauth(): void {
    finishReauth(false);
    clear();
  }

  function finishReauth(signedIn: boolean): void {
    reauthOpen.value = false;
    settleReauth?.(signedIn);
    settleReauth = null;
    pendingReauth = null;
  }

  return {
    viewer,
    loaded,
    accessCode,
    reauthOpen,
    portal,
    load,
    signIn,
    changePassword,
    signOut,
    expectReauth,
    reauthenticate,
    abandonReauth,
  };
});
