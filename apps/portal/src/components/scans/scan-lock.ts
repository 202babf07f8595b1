import type { AdminExam } from '@/composables/use-exam';
import { formatDateTime } from '@/format';
import type { useT } from '@/i18n/use-t';

type Translate = ReturnType<typeof useT>['t'];

/**
 * Scans join an exam, and its split can be corrected, only until its copies go to correctors (the
 * API refuses past that point; the portal says why before anyone tries). Null while still open. The
 * same sentence serves the upload form and the split review.
 */
export const scanImportLock = (exam: AdminExam | null, t: Translate): string | null => {
  if (!exam) return null;
  if (exam.archived) return t('scans.locked.archived');
  const firstRun = exam.dispatchRuns[0];
  if (firstRun) return t('scans.locked.dispatched', { date: formatDateTime(firstRun.dispatchedAt) });
  if (exam.scoringStarted) return t('scans.locked.scoring');
  return null;
};
