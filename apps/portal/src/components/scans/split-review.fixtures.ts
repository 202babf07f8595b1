import type { mount } from '@vue/test-utils';
import type { DeskCopy } from '@/components/identification/desk-api';

/** Shared by the split review's specs: an exam, two copies of a class scan (one short) and a page's menu. */

export function menuItem(review: ReturnType<typeof mount>, pageId: string, label: string) {
  const item = review
    .get(`[data-page-id="${pageId}"]`)
    .findAll('.menu-item')
    .find((button) => button.text() === label);
  if (!item) throw new Error(`no “${label}” in the menu of ${pageId}`);
  return item;
}

export function exam(dispatched = false) {
  return {
    examId: 'e1',
    title: 'Bac blanc',
    subject: 'Mathématiques',
    date: null,
    classNames: ['1G2'],
    archived: false,
    createdAt: '2025-03-01T08:00:00Z',
    maxPoints: null,
    scaleVersion: null,
    published: false,
    publishedAt: null,
    withdrawnReason: null,
    scoringStarted: false,
    progress: { copies: 2, expectedStudents: 2, identified: 0, assigned: 0, inProgress: 0, finalised: 0, flagged: 1 },
    scale: [],
    correctors: [],
    dispatchRuns: dispatched ? [{ runId: 'r1', dispatchedAt: '2025-03-02T08:00:00Z', copyCount: 2, loads: [] }] : [],
  };
}

/** Two copies of a class scan: K1 with pages 1–3, K2 with page 4 only (flagged, with `note`). */
export function copies(note: string | null = '1 page au lieu de 2'): DeskCopy[] {
  const page = (pageId: string, number: number, position: number) => ({ pageId, number, position, imageUrl: `/api/files/pages/${pageId}` });
  const base = { scanId: 'scan-1', status: 'IMPORTED' as const, headerImageUrl: null, text: null, confidence: null, engine: null };
  return [
    {
      ...base,
      copyId: 'c1',
      anonymousCode: 'K1',
      identificationMethod: null,
      pageNumbers: [1, 2, 3],
      flags: [],
      pages: [page('p1', 1, 0), page('p2', 2, 1), page('p3', 3, 2)],
      candidates: [],
      student: null,
    },
    {
      ...base,
      copyId: 'c2',
      anonymousCode: 'K2',
      identificationMethod: null,
      pageNumbers: [4],
      flags: [{ reason: 'MISSING_PAGES', note }],
      pages: [page('p4', 4, 0)],
      candidates: [],
      student: null,
    },
  ];
}
