import { afterEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { createPinia } from 'pinia';
import AdminSplitReviewPage from '@/pages/admin/scans/AdminSplitReviewPage.vue';
import { provideExam } from '@/composables/use-exam';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';
import { i18n } from '@/i18n';
import { copies, exam, menuItem } from './split-review.fixtures';

vi.mock('@/graphql/live', async () => {
  const { ref } = await import('vue');
  return { subscribe: vi.fn(() => () => undefined), liveStatus: ref('idle') };
});

enableAutoUnmount(afterEach);

const ACTION = 'Recouper à partir de cette page…';

describe('re-cutting a class scan from a page of the split review', () => {
  it('previews what changes, re-cuts on confirmation, then reads the copies again', async () => {
    const { review, api } = await openReview();
    await menuItem(review, 'p4', ACTION).trigger('click');
    await flushPromises();
    expect(api.of('RecutPreview').map((call) => call.variables)).toEqual([{ scanId: 'scan-1', fromPage: 4, pagesPerCopy: 2 }]);
    expect(review.get('[data-testid="recut-preview"]').text()).toBe('12 copies recoupées à partir de la page 4, 1 copie créée');
    const desks = api.of('IdentificationDesk').length;
    await review.get('[data-testid="recut-confirm"]').trigger('click');
    await flushPromises();
    expect(api.of('RecutScan')[0]?.variables).toEqual({ scanId: 'scan-1', fromPage: 4, pagesPerCopy: 2 });
    expect(api.of('IdentificationDesk').length).toBeGreaterThan(desks);
  });

  it('previews again with another number of pages per copy', async () => {
    const { review, api } = await openReview();
    await menuItem(review, 'p2', ACTION).trigger('click');
    await flushPromises();
    await review.get('[data-testid="recut-pages-per-copy"]').setValue('3');
    await flushPromises();
    expect(api.of('RecutPreview').at(-1)?.variables).toEqual({ scanId: 'scan-1', fromPage: 2, pagesPerCopy: 3 });
    expect(review.get('[data-testid="recut-preview"]').text()).toBe('12 copies recoupées à partir de la page 2, 1 copie créée');
  });

  it('says when nothing would change, and offers no confirmation', async () => {
    const { review, api } = await openReview({ nothing: true });
    await menuItem(review, 'p1', ACTION).trigger('click');
    await flushPromises();
    expect(review.get('[data-testid="recut-preview"]').text()).toContain('rien ne changerait');
    expect(review.get('[data-testid="recut-confirm"]').attributes('disabled')).toBeDefined();
    expect(api.of('RecutScan')).toHaveLength(0);
  });

  it('shows the refusal the API gives', async () => {
    const { review } = await openReview({ refused: true });
    await menuItem(review, 'p4', ACTION).trigger('click');
    await flushPromises();
    expect(review.text()).toContain('La correction a commencé sur la copie K2');
    expect(review.get('[data-testid="recut-confirm"]').attributes('disabled')).toBeDefined();
  });

  it('is not offered for a scan of one PDF per student', async () => {
    const { review } = await openReview({ mode: 'SINGLE' });
    const labels = review
      .get('[data-page-id="p4"]')
      .findAll('.menu-item')
      .map((item) => item.text());
    expect(labels).not.toContain(ACTION);
    expect(labels.length).toBeGreaterThan(0);
  });
});

async function openReview(options: { mode?: 'CLASS' | 'SINGLE'; nothing?: boolean; refused?: boolean } = {}) {
  const summary = (variables: Record<string, unknown>) => ({
    scanId: 'scan-1',
    fromPage: variables.fromPage,
    pagesPerCopy: variables.pagesPerCopy,
    changedCopyIds: options.nothing ? [] : Array.from({ length: 12 }, (_, index) => `c${index}`),
    created: options.nothing ? 0 : 1,
    discarded: 0,
  });
  const api = stubGraphQL({
    Exam: () => ({ data: { exam: exam() } }),
    Scans: () => ({ data: { scans: [scan(options.mode ?? 'CLASS')] } }),
    IdentificationDesk: () => ({
      data: { identificationDesk: { nextCursor: null, progress: { auto: 0, manual: 0, left: 2, total: 2 }, items: copies(null) } },
    }),
    RecutPreview: (variables) =>
      options.refused
        ? graphqlError('CONFLICT', 'La correction a commencé sur la copie K2 : ses pages ne peuvent plus changer, le recoupage est refusé.')
        : { data: { recutPreview: summary(variables) } },
    RecutScan: (variables) => ({ data: { recutScan: summary(variables) } }),
  });
  const Host = defineComponent({
    setup() {
      provideExam(() => 'e1');
      return () => h(AdminSplitReviewPage, { examId: 'e1' });
    },
  });
  const review = mount(Host, { global: { plugins: [i18n, createPinia()], stubs: { RouterLink: true } } });
  await flushPromises();
  return { review, api };
}

function scan(mode: 'CLASS' | 'SINGLE') {
  return {
    scanId: 'scan-1',
    examId: 'e1',
    fileName: 'classe.pdf',
    mode,
    size: 1000,
    pageCount: 4,
    pagesPerCopy: 2,
    stage: 'COMPLETED',
    done: 4,
    total: 4,
    pagesRendered: 4,
    copyCount: 2,
    headersRead: 2,
    autoIdentified: 0,
    leftToDesk: 2,
    warnings: [],
    uploadedAt: '2025-03-01T08:00:00Z',
    completedAt: '2025-03-01T08:01:00Z',
    problem: null,
  };
}
