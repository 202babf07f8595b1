import { describe, expect, it } from 'vitest';
import { i18n } from './index';
import { fr } from './fr';
import { en } from './en';

type Tree = { [key: string]: string | Tree };

const flatten = (tree: Tree, prefix = ''): Map<string, string> =>
  new Map(
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === 'string' ? [[`${prefix}${key}`, value] as const] : [...flatten(value, `${prefix}${key}.`)],
    ),
  );
const placeholders = (message: string): string[] => [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!))].sort();
const pluralForms = (message: string): number => message.split('|').length;

const french = flatten(fr);
const english = flatten(en);

describe('the French and English messages', () => {
  it('have the same keys', () => {
    expect([...english.keys()].sort()).toEqual([...french.keys()].sort());
  });

  it.each([...french.keys()])('%s: same values and plural forms in both languages, none empty', (key) => {
    const [a, b] = [french.get(key)!, english.get(key)!];
    expect(a.trim()).not.toBe('');
    expect(b.trim()).not.toBe('');
    expect(placeholders(b)).toEqual(placeholders(a));
    expect(pluralForms(b)).toBe(pluralForms(a));
  });

  it('render as written: vue-i18n reads no stray @, | or braces in them', () => {
    const broken: string[] = [];
    for (const locale of ['fr', 'en'] as const) {
      for (const [key, message] of locale === 'fr' ? french : english) {
        const named = Object.fromEntries(placeholders(message).map((name) => [name, `«${name}»`]));
        const expected = (form: string) => form.trim().replace(/\{(\w+)\}/g, (_, name: string) => `«${name}»`);
        const forms = message.split('|').map(expected);
        for (const count of forms.length > 1 ? [0, 1, 2] : [undefined]) {
          const rendered = i18n.global.t(
            key,
            { ...named, ...(count === undefined ? {} : { count: '«count»' }) },
            { locale, plural: count ?? 1 },
          );
          if (!forms.includes(rendered)) broken.push(`${locale}:${key} → ${rendered}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
