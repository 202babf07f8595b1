import { createI18n } from 'vue-i18n';
import { fr, type Messages } from './fr';
import { en } from './en';

/**
 * French first (DESIGN §8), English second. The choice is kept in this browser; <html lang> follows
 * it so that screen readers pronounce the page in the right language.
 */
export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];
const STORAGE_KEY = 'korrigo.locale';

declare module 'vue-i18n' {
  // Typed keys: `t('a.missing.key')` is a compile error.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends Messages {}
}

const initialLocale = (): Locale => {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'fr' ? saved : 'fr';
};

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'fr',
  messages: { fr, en },
});

export const currentLocale = (): Locale => i18n.global.locale.value;

export const setLocale = (locale: Locale): void => {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
};
