import { validation } from '../shared/domain-error.js';
import type { ExamState } from './exam.state.js';

/**
 * Where a copy's header (the student's name) sits on its first page, in fractions of the page with
 * the origin at the top left. The scan pipeline reads this region to identify the copy, and masks it
 * before a corrector sees the page, so it must cover the whole name box of the exam's sheet.
 */
export type HeaderRegion = Readonly<{ x: number; y: number; width: number; height: number }>;

/** Most French exam sheets print the name box in the top quarter of the first page. */
export const DEFAULT_HEADER_REGION: HeaderRegion = Object.freeze({ x: 0, y: 0, width: 1, height: 0.25 });

/** Smaller than this, a region could not hold a name and is surely a typing slip. */
export const MIN_HEADER_SIDE = 0.05;

/** Percent inputs divided by 100 are not exact: 0.7 + 0.3 must still fit in the page. */
const EPSILON = 1e-9;

const FIELDS = [
  ['x', 'la marge gauche'],
  ['y', 'la marge haute'],
  ['width', 'la largeur'],
  ['height', 'la hauteur'],
] as const;

const percent = (fraction: number): string => `${Math.round(fraction * 100)} %`;

/** The region as the decider records it; throws a coded VALIDATION error with a French message. */
export const checkHeaderRegion = (region: HeaderRegion): HeaderRegion => {
  for (const [field, name] of FIELDS) {
    const value = region[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
      throw validation(`Zone d’en-tête : ${name} doit être comprise entre 0 et 100 % de la page.`, { field });
  }
  if (region.width < MIN_HEADER_SIDE - EPSILON)
    throw validation(`Zone d’en-tête : la largeur doit être d’au moins ${percent(MIN_HEADER_SIDE)} de la page.`, { field: 'width' });
  if (region.height < MIN_HEADER_SIDE - EPSILON)
    throw validation(`Zone d’en-tête : la hauteur doit être d’au moins ${percent(MIN_HEADER_SIDE)} de la page.`, { field: 'height' });
  if (region.x + region.width > 1 + EPSILON)
    throw validation('Zone d’en-tête : la marge gauche et la largeur dépassent ensemble le bord droit de la page.', { field: 'width' });
  if (region.y + region.height > 1 + EPSILON)
    throw validation('Zone d’en-tête : la marge haute et la hauteur dépassent ensemble le bas de la page.', { field: 'height' });
  return { x: region.x, y: region.y, width: region.width, height: region.height };
};

export const sameHeaderRegion = (a: HeaderRegion, b: HeaderRegion): boolean =>
  a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** The region to read and mask on the exam's copies: the defined one, or the top quarter. */
export const headerRegionOf = (exam: ExamState): HeaderRegion => exam.headerRegion;
