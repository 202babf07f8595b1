import { ApiError } from '@/graphql/errors';
import { useT } from '@/i18n/use-t';

/** The API's generic English refusals: the portal's own sentence says it better. */
const GENERIC = new Set([
  'Sign in first',
  'You may not do this',
  'Internal error',
  'Missing or wrong CSRF token',
  'Change your password first',
]);

/**
 * One readable sentence for any failure: the portal's words for the error code, then the server's
 * own explanation when it gave one (which question, which line, why).
 */
export const useErrorMessage = () => {
  const { t } = useT();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('errors.INTERNAL');
    if (error.retryAfterSeconds) return t('errors.rateLimited', { seconds: error.retryAfterSeconds });
    if (error.details.otherAccount) return t('errors.otherAccount');
    const base = t(`errors.${error.code}`);
    const server = error.serverMessage.trim();
    if (!server || GENERIC.has(server) || error.code === 'INTERNAL' || error.code === 'NETWORK' || error.code === 'UNAVAILABLE')
      return base;
    return `${base} ${server}`;
  };
};
