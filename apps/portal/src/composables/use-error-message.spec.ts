import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent } from 'vue';
import { useErrorMessage } from './use-error-message';
import { ApiError } from '@/graphql/errors';
import { withI18n } from '@/testing/plugins';

const describeWith = (): ((error: unknown) => string) => {
  let describe: (error: unknown) => string = () => '';
  mount(defineComponent({ setup: () => ((describe = useErrorMessage()), () => null) }), withI18n);
  return describe;
};

describe('the readable message of a failure', () => {
  const message = describeWith();

  it('gives the portal’s words for the code, then the server’s explanation', () => {
    expect(message(new ApiError('CONFLICT', 'La copie est verrouillée par Paul Prof.'))).toBe(
      'Action impossible dans l’état actuel. La copie est verrouillée par Paul Prof.',
    );
    expect(message(new ApiError('BAD_USER_INPUT', 'Le mot de passe doit contenir au moins 12 caractères.'))).toBe(
      'Saisie refusée. Le mot de passe doit contenir au moins 12 caractères.',
    );
  });

  it('leaves out the API’s generic English refusals', () => {
    expect(message(new ApiError('FORBIDDEN', 'You may not do this'))).toBe('Action refusée.');
    expect(message(new ApiError('NOT_FOUND', ''))).toBe('Élément introuvable (il a peut-être été supprimé).');
  });

  it('tells how long to wait after too many sign-in attempts', () => {
    expect(message(new ApiError('FORBIDDEN', 'Trop de tentatives : réessayez dans 15 min.', { retryAfterSeconds: 842 }))).toBe(
      'Trop de tentatives, réessayez dans 842 s.',
    );
  });

  it('never shows an internal error’s text', () => {
    expect(message(new ApiError('INTERNAL', 'TypeError: x is undefined'))).not.toContain('TypeError');
    expect(message(new Error('boom'))).not.toContain('boom');
  });
});
