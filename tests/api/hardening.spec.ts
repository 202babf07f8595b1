import { type ApiHarness, startApi } from '../support/api-harness.js';

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('GraphQL hardening', () => {
  describe('in production', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await startApi({ env: 'production' });
    });
    afterAll(async () => api?.close());

    it('turns introspection off', async () => {
      const { errors } = await api.client().graphql('{ __schema { types { name } } }');
      expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses a batched request', async () => {
      const response = await post(api.base, [{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
      expect(response.status).toBe(400);
    });

    it('answers a failing resolver with a code and no stack trace', async () => {
      const { errors } = await api
        .client()
        .graphql('mutation { signIn(portal: ADMIN, login: "nobody@lycee.test", password: "wrong-password-123") { id } }');
      expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    });

    it('refuses a plain form post (CSRF prevention for simple requests)', async () => {
      const response = await fetch(`${api.base}/api/graphql?query=${encodeURIComponent('{ me { id } }')}`, { method: 'GET' });
      expect(response.status).toBe(400);
    });
  });

  describe('query limits', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await startApi();
    });
    afterAll(async () => api?.close());

    it('refuses too many aliases', async () => {
      const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ');
      const { errors } = await api.client().graphql(`{ ${aliases} }`);
      expect(errors?.[0]?.message).toMatch(/Too many aliases/);
      expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses unknown fields with a validation code, never a crash', async () => {
      const { status, errors } = await api.client().graphql('{ nope }');
      expect(status).toBe(400);
      expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
});
