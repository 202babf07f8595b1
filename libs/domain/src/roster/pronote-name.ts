import { normaliseText } from '../student/student.rules.js';

/**
 * Pronote writes a student as one field: the last name in CAPITALS, then the first name(s) in normal case —
 * `DUPONT-MARTIN Jean-Étienne`, `DE LA FONTAINE Marie`, `N'DIAYE Aïssatou`, `LE GOFF Anne Sophie`.
 * The last name is the leading run of words written in capitals. Edge cases:
 * - a word counts as capitals when it has more upper- than lower-case letters, so `McDONALD` and
 *   `d'ALEMBERT` stay in the last name while `Jean-Étienne` or `Ève` do not;
 * - a lower-case particle (`de`, `du`, `van`…) followed by a word in capitals belongs to the last name
 *   (`de LA FONTAINE Marie`);
 * - spaces around a hyphen are dropped (`DUPONT - MARTIN` is `DUPONT-MARTIN`);
 * - every word after the last name is first name, whatever its case (`DUPONT Jean MARIE` → `Jean MARIE`);
 * - a field entirely in capitals (`MARTIN PAUL`) or starting in normal case (`Dupont Jean`) cannot be
 *   split safely: it is an error, because a wrong split becomes a wrong identification later.
 */
export type SplitName = { lastName: string; firstName: string } | { problem: string };

const PARTICLES = new Set([
  'de',
  'du',
  'des',
  "d'",
  'le',
  'la',
  'les',
  'van',
  'von',
  'der',
  'den',
  'di',
  'da',
  'del',
  'della',
  'dos',
  'das',
  'ben',
  'bin',
  'el',
  'al',
  'ter',
  'ten',
]);

export const splitPronoteName = (field: string): SplitName => {
  const text = normaliseText(field).replace(/\s*-\s*/g, '-');
  if (text === '') return { problem: 'the name is missing' };
  const words = text.split(' ');
  let end = 0;
  while (end < words.length) {
    const word = words[end] ?? '';
    const next = words[end + 1];
    if (isCapitals(word)) end++;
    else if (PARTICLES.has(word) && next !== undefined && isCapitals(next)) end++;
    else break;
  }
  if (end === 0) return { problem: `no last name in capitals at the start of ${JSON.stringify(text)}` };
  if (end === words.length) {
    return { problem: `cannot tell the first name from the last name in ${JSON.stringify(text)}: the first name must not be in capitals` };
  }
  return { lastName: words.slice(0, end).join(' '), firstName: words.slice(end).join(' ') };
};

const isCapitals = (word: string): boolean => {
  let upper = 0;
  let lower = 0;
  for (const char of word) {
    if (char.toLowerCase() === char.toUpperCase()) continue;
    if (char === char.toUpperCase()) upper++;
    else lower++;
  }
  return upper > lower;
};
