import { useI18n } from 'vue-i18n';
import type { Messages } from './fr';
import type { Locale } from './index';

/** Every message path, e.g. 'users.create.submit': a key missing from fr.ts is a compile error. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;

type Named = Record<string, string | number>;

/**
 * vue-i18n's `t` accepts any string (typed keys only drive completion there), so pages translate
 * through this one, whose keys are checked.
 */
export const useT = () => {
  const { t, locale } = useI18n();
  return {
    t: (key: MessageKey, named: Named = {}): string => t(key, named),
    /** Plural forms are written `zero | one | many`; `{count}` is available in each. */
    tc: (key: MessageKey, count: number, named: Named = {}): string => t(key, { count, ...named }, count),
    locale: () => locale.value as Locale,
  };
};
