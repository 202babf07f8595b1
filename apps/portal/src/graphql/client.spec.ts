import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './client';
import { ApiError } from './errors';
import { MeDocument, UsersDocument, SignInDocument } from './generated';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';

const users = { users: [] };

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = 'korrigo_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});

describe('the GraphQL client', () => {
  it('posts to /api/graphql with the session cookie and the CSRF token from its cookie', async () => {
    document.cookie = 'korrigo_csrf=tok%2Ben; path=/';
    const api = stubGraphQL({ Users: () => ({ data: users }) });
    await createClient().request(UsersDocument);
    expect(api.fetch.mock.calls[0]?.[0]).toBe('/api/graphql');
    expect(api.calls[0]?.credentials).toBe('same-origin');
    expect(api.calls[0]?.headers['X-CSRF-Token']).toBe('tok+en');
  });

  it.each([
    ['FORBIDDEN', 'FORBIDDEN'],
    ['BAD_USER_INPUT', 'BAD_USER_INPUT'],
    ['CONFLICT', 'CONFLICT'],
    ['NOT_FOUND', 'NOT_FOUND'],
    ['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT'],
    ['INTERNAL_SERVER_ERROR', 'INTERNAL'],
  ])('maps extensions.code %s to %s and keeps the server’s words', async (code, mapped) => {
    stubGraphQL({ Users: () => graphqlError(code, 'Le libellé est vide.', { questionId: 'q1' }) });
    const error = await createClient()
      .request(UsersDocument)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(mapped);
    expect((error as ApiError).serverMessage).toBe('Le libellé est vide.');
    expect((error as ApiError).detail('questionId')).toBe('q1');
  });

  it('reports an unreachable server as a network failure', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(createClient().request(UsersDocument)).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('reports a non-GraphQL answer (a proxy’s 502 page) as unavailable', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502 })));
    await expect(createClient().request(UsersDocument)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('reads the rate limit’s wait from the error details', async () => {
    stubGraphQL({ SignIn: () => graphqlError('FORBIDDEN', 'Trop de tentatives', { retryAfterSeconds: 42 }) });
    const error = await createClient()
      .request(SignInDocument, { portal: 'ADMIN', login: 'a', password: 'b' }, { retryOnSessionExpiry: false })
      .catch((caught: unknown) => caught);
    expect((error as ApiError).retryAfterSeconds).toBe(42);
  });
});

describe('a call made after the session expired', () => {
  it('waits for the person to sign in again, then sends the same call with the new CSRF token', async () => {
    document.cookie = 'korrigo_csrf=old; path=/';
    const api = stubGraphQL({ Users: (_vars, call) => (call === 1 ? graphqlError('UNAUTHENTICATED', 'Sign in first') : { data: users }) });
    const client = createClient();
    const handler = vi.fn(async () => {
      document.cookie = 'korrigo_csrf=new; path=/';
      return true;
    });
    client.onSessionExpired(handler);
    await expect(client.request(UsersDocument)).resolves.toEqual(users);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(api.of('Users').map((call) => call.headers['X-CSRF-Token'])).toEqual(['old', 'new']);
  });

  it('asks once for several calls that failed together', async () => {
    let signedIn = false;
    stubGraphQL({ Users: () => (signedIn ? { data: users } : graphqlError('UNAUTHENTICATED')) });
    const client = createClient();
    let release: (ok: boolean) => void = () => undefined;
    const handler = vi.fn(() => new Promise<boolean>((resolve) => (release = resolve)));
    client.onSessionExpired(handler);
    const calls = [client.request(UsersDocument), client.request(UsersDocument), client.request(UsersDocument)];
    await vi.waitFor(() => expect(handler).toHaveBeenCalled());
    signedIn = true;
    release(true);
    await expect(Promise.all(calls)).resolves.toEqual([users, users, users]);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('fails the call when the person gives up', async () => {
    stubGraphQL({ Users: () => graphqlError('UNAUTHENTICATED') });
    const client = createClient();
    client.onSessionExpired(async () => false);
    await expect(client.request(UsersDocument)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('does not ask for the calls that are themselves about signing in', async () => {
    stubGraphQL({ Me: () => graphqlError('UNAUTHENTICATED') });
    const client = createClient();
    const handler = vi.fn(async () => true);
    client.onSessionExpired(handler);
    await expect(client.request(MeDocument, {}, { retryOnSessionExpiry: false })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('retries only once: a second refusal reaches the caller', async () => {
    const api = stubGraphQL({ Users: () => graphqlError('UNAUTHENTICATED') });
    const client = createClient();
    client.onSessionExpired(async () => true);
    await expect(client.request(UsersDocument)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(api.of('Users')).toHaveLength(2);
  });
});
