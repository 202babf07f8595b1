import { i18n } from '@/i18n';

/** Mount options for components that translate (the portal's own i18n, in French). */
export const withI18n = { global: { plugins: [i18n] } };
