import type { AdminExam } from '@/composables/use-exam';
import type { HeaderRegionFieldsFragment } from '@/graphql/generated';
import { formatDateTime, formatPoints } from '@/format';
import type { useT } from '@/i18n/use-t';

type Translate = ReturnType<typeof useT>['t'];

/**
 * The header region as the admin types it: percentages of the page, in the order people read a
 * rectangle (top, left, width, height). The API speaks fractions; the same rules as the exam decider
 * are checked here so the admin sees a mistake before saving, next to the field that causes it.
 */
export type Region = HeaderRegionFieldsFragment;
export type PercentField = 'top' | 'left' | 'width' | 'height';
export type PercentRegion = Record<PercentField, number | ''>;
export type RegionErrors = Partial<Record<PercentField, string>>;

export const PERCENT_FIELDS: readonly PercentField[] = ['top', 'left', 'width', 'height'];
export const DEFAULT_REGION: Region = { x: 0, y: 0, width: 1, height: 0.25 };
export const MIN_SIDE_PERCENT = 5;
/** Decimal percentages added up are not exact: 70 + 30 must still fit. */
const EPSILON = 1e-6;

const hundredths = (value: number): number => Math.round(value * 100) / 100;

export const toPercent = (region: Region): PercentRegion => ({
  top: hundredths(region.y * 100),
  left: hundredths(region.x * 100),
  width: hundredths(region.width * 100),
  height: hundredths(region.height * 100),
});

const fraction = (value: number | ''): number => Math.round(Number(value) * 100) / 10000;

export const toRegion = (values: PercentRegion): Region => ({
  x: fraction(values.left),
  y: fraction(values.top),
  width: fraction(values.width),
  height: fraction(values.height),
});

export const sameRegion = (a: Region, b: Region): boolean => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

const isPercent = (value: number | ''): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100;

/** The first problem of each field; empty when the region can be saved. */
export const regionErrors = (values: PercentRegion, t: Translate): RegionErrors => {
  const errors: RegionErrors = {};
  for (const field of PERCENT_FIELDS) if (!isPercent(values[field])) errors[field] = t('headerRegion.errors.number');
  for (const field of ['width', 'height'] as const)
    if (!errors[field] && (values[field] as number) < MIN_SIDE_PERCENT - EPSILON)
      errors[field] = t('headerRegion.errors.tooSmall', { min: MIN_SIDE_PERCENT });
  const { top, left, width, height } = values;
  if (!errors.left && !errors.width && (left as number) + (width as number) > 100 + EPSILON)
    errors.width = t('headerRegion.errors.overRight', { total: formatPoints((left as number) + (width as number)) });
  if (!errors.top && !errors.height && (top as number) + (height as number) > 100 + EPSILON)
    errors.height = t('headerRegion.errors.overBottom', { total: formatPoints((top as number) + (height as number)) });
  return errors;
};

/**
 * Why the region can no longer change, or null. Once a corrector holds a copy, the pages they saw
 * were masked with the current region: the API refuses a change, and the portal says so first.
 */
export const headerRegionLock = (exam: AdminExam | null, t: Translate): string | null => {
  if (!exam) return null;
  if (exam.archived) return t('headerRegion.locked.archived');
  const firstRun = exam.dispatchRuns[0];
  if (firstRun) return t('headerRegion.locked.dispatched', { date: formatDateTime(firstRun.dispatchedAt) });
  if (exam.scoringStarted || exam.progress.assigned > 0) return t('headerRegion.locked.assigned');
  return null;
};
