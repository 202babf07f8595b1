import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useAuthStore } from './auth';
import { PORTALS } from '@/auth/portals';
import { client } from '@/graphql/client';
import { ApiError } from '@/graphql/errors';
import { UsersDocument } from '@/graphql/generated';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';

const [ADMIN, , STUDENT] = PORTALS;
const viewer = (overrides: Partial<{ id: string; role: string; mustChangePassword: boolean }> = {}) => ({
  id: 'admin-1',
  role: 'admin',
  displayName: 'Anne Admin',
  mustChangePassword: false,
  sessionExpiresAt: '2030-01-01T00:00:00.000Z',
  ...overrides,
});

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  vi.unstubAllGlobals();
  client.onSessionExpired(null);
});

describe('the auth store', () => {
  it('loads the signed-in person once', async () => {
    const api = stubGraphQL({ Me: () => ({ data: { me: viewer() } }) });
    const auth = useAuthStore();
    await auth.load();
    await auth.load();
    expect(auth.viewer?.displayName).toBe('Anne Admin');
    expect(auth.portal?.home).toBe('/admin');
    expect(api.of('Me')).toHaveLength(1);
  });

  it('knows nobody is signed in when the API says so', async () => {
    stubGraphQL({ Me: () => ({ data: { me: null } }) });
    const auth = useAuthStore();
    await expect(auth.load()).resolves.toBeNull();
    expect(auth.loaded).toBe(true);
  });

  it('signs in through the chosen portal', async () => {
    const api = stubGraphQL({ SignIn: () => ({ data: { signIn: viewer() } }) });
    const auth = useAuthStore();
    await auth.signIn(ADMIN!, 'admin@lycee.test', 'Correct-Horse-42');
    expect(api.of('SignIn')[0]?.variables).toEqual({ portal: 'ADMIN', login: 'admin@lycee.test', password: 'Correct-Horse-42' });
    expect(auth.viewer?.id).toBe('admin-1');
  });

  it('keeps a student’s one-time code in memory for the forced change, and forgets it after', async () => {
    stubGraphQL({
      SignIn: () => ({ data: { signIn: viewer({ id: 's1', role: 'student', mustChangePassword: true }) } }),
      ChangePassword: () => ({ data: { changePassword: viewer({ id: 's1', role: 'student' }) } }),
    });
    const auth = useAuthStore();
    await auth.signIn(STUDENT!, 'DUPJ01', 'ABCD-EFGH-JKLM');
    expect(auth.accessCode).toBe('ABCD-EFGH-JKLM');
    await auth.changePassword('ABCD-EFGH-JKLM', 'un-vrai-mot-de-passe-2024');
    expect(auth.accessCode).toBeNull();
    expect(auth.viewer?.mustChangePassword).toBe(false);
  });

  it('leaves nobody signed in when signing in fails', async () => {
    stubGraphQL({ SignIn: () => graphqlError('UNAUTHENTICATED', 'Identifiant ou mot de passe incorrect.') });
    const auth = useAuthStore();
    await expect(auth.signIn(ADMIN!, 'x', 'y')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(auth.viewer).toBeNull();
  });

  it('signs out even when the session had already expired on the server', async () => {
    stubGraphQL({ SignIn: () => ({ data: { signIn: viewer() } }), SignOut: () => graphqlError('UNAUTHENTICATED') });
    const auth = useAuthStore();
    await auth.signIn(ADMIN!, 'a', 'b');
    await auth.signOut();
    expect(auth.viewer).toBeNull();
  });
});

describe('a session that expires while someone works', () => {
  const signedIn = async () => {
    const auth = useAuthStore();
    await auth.signIn(ADMIN!, 'admin@lycee.test', 'Correct-Horse-42');
    client.onSessionExpired(() => auth.expectReauth());
    return auth;
  };

  it('opens the dialog, and the waiting call goes through once the same person signs in again', async () => {
    let expired = true;
    stubGraphQL({
      SignIn: (_vars, call) => (call === 1 ? { data: { signIn: viewer() } } : ((expired = false), { data: { signIn: viewer() } })),
      Users: () => (expired ? graphqlError('UNAUTHENTICATED') : { data: { users: [] } }),
    });
    const auth = await signedIn();
    const pending = client.request(UsersDocument);
    await vi.waitFor(() => expect(auth.reauthOpen).toBe(true));
    await auth.reauthenticate('admin@lycee.test', 'Correct-Horse-42');
    await expect(pending).resolves.toEqual({ users: [] });
    expect(auth.reauthOpen).toBe(false);
    expect(auth.viewer?.id).toBe('admin-1');
  });

  it('refuses another account and keeps the dialog open', async () => {
    const api = stubGraphQL({
      SignIn: (_vars, call) => ({ data: { signIn: call === 1 ? viewer() : viewer({ id: 'someone-else' }) } }),
      SignOut: () => ({ data: { signOut: true } }),
      Users: () => graphqlError('UNAUTHENTICATED'),
    });
    const auth = await signedIn();
    const pending = client.request(UsersDocument).catch((error: unknown) => error);
    await vi.waitFor(() => expect(auth.reauthOpen).toBe(true));
    const refusal = await auth.reauthenticate('other@lycee.test', 'Another-Pass-99').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).details.otherAccount).toBe(true);
    expect(api.of('SignOut')).toHaveLength(1);
    expect(auth.reauthOpen).toBe(true);
    expect(auth.viewer?.id).toBe('admin-1');
    auth.abandonReauth();
    await expect(pending).resolves.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(auth.viewer).toBeNull();
  });
});
