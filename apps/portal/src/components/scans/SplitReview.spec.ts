import { afterEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { createPinia } from 'pinia';
import AdminSplitReviewPage from '@/pages/admin/scans/AdminSplitReviewPage.vue';
import { provideExam } from '@/composables/use-exam';
import { PAGE_DRAG_TYPE, dropIntent, movedWithin } from './split-actions';
import { stubGraphQL } from '@/testing/graphql-fetch';
import { i18n } from '@/i18n';
import { copies, exam, menuItem } from './split-review.fixtures';

vi.mock('@/graphql/live', async () => {
  const { ref } = await import('vue');
  return { subscribe: vi.fn(() => () => undefined), liveStatus: ref('idle') };
});

enableAutoUnmount(afterEach);

describe('the split review', () => {
  it('splits a copy at a page from the page’s menu', async () => {
    const { review, api } = await openReview();
    await menuItem(review, 'p2', 'Nouvelle copie à partir de cette page').trigger('click');
    await flushPromises();
    expect(api.of('SplitCopy')[0]?.variables).toEqual({ copyId: 'c1', atPageId: 'p2' });
    expect(api.of('IdentificationDesk').length).toBeGreaterThan(1);
  });

  it('moves a page one place later from its menu', async () => {
    const { review, api } = await openReview();
    await menuItem(review, 'p1', 'Reculer d’une place').trigger('click');
    await flushPromises();
    expect(api.of('ReorderPages')[0]?.variables).toEqual({ copyId: 'c1', pageIds: ['p2', 'p1', 'p3'] });
  });

  it('moves a page dropped on another copy’s page to that place', async () => {
    const { review, api } = await openReview();
    await drop(review.get('[data-page-id="p4"]'), { pageId: 'p3', copyId: 'c1' });
    await flushPromises();
    expect(api.of('MovePage')[0]?.variables).toEqual({ pageId: 'p3', toCopyId: 'c2', position: 0 });
  });

  it('moves a page dropped on a copy’s row to its end', async () => {
    const { review, api } = await openReview();
    await drop(review.get('[data-copy-id="c1"]'), { pageId: 'p4', copyId: 'c2' });
    await flushPromises();
    expect(api.of('MovePage')[0]?.variables).toEqual({ pageId: 'p4', toCopyId: 'c1', position: null });
  });

  it('merges a copy into the one chosen in the dialog (the previous one by default)', async () => {
    const { review, api } = await openReview();
    const row = review.get('[data-copy-id="c2"]');
    await row
      .findAll('.menu-item')
      .find((item) => item.text().startsWith('Fusionner'))!
      .trigger('click');
    await flushPromises();
    expect((review.get('[data-testid="target-copy"]').element as HTMLSelectElement).value).toBe('c1');
    await review.get('[data-testid="target-confirm"]').trigger('click');
    await flushPromises();
    expect(api.of('MergeCopies')[0]?.variables).toEqual({ targetCopyId: 'c1', sourceCopyId: 'c2' });
  });

  it('moves a page to another copy through the dialog, at the place chosen', async () => {
    const { review, api } = await openReview();
    await menuItem(review, 'p4', 'Déplacer vers une autre copie…').trigger('click');
    await flushPromises();
    await review.get('[data-testid="target-position"]').setValue('1');
    await review.get('[data-testid="target-confirm"]').trigger('click');
    await flushPromises();
    expect(api.of('MovePage')[0]?.variables).toEqual({ pageId: 'p4', toCopyId: 'c1', position: 1 });
  });

  it('highlights a flagged copy and lifts its flag', async () => {
    const { review, api } = await openReview();
    const flagged = review.get('[data-copy-id="c2"]');
    expect(flagged.classes()).toContain('flagged');
    expect(flagged.text()).toContain('Pages manquantes');
    expect(flagged.text()).toContain('1 page au lieu de 2');
    await flagged.get('button[aria-label^="Lever le signalement"]').trigger('click');
    await flushPromises();
    expect(api.of('ClearFlag')[0]?.variables).toEqual({ copyId: 'c2', reason: 'MISSING_PAGES' });
  });

  it('offers no correction once the copies are dispatched, and says why', async () => {
    const { review } = await openReview({ dispatched: true });
    expect(review.get('[data-testid="split-locked"]').text()).toContain('distribuées aux correcteurs');
    expect(review.findAll('.menu-item')).toHaveLength(0);
    expect(review.get('[data-page-id="p1"]').attributes('draggable')).toBe('false');
  });
});

describe('a dragged page', () => {
  it('dropped on its own copy reorders it, and on its own place changes nothing', () => {
    const copy = { copyId: 'c1', pages: [{ pageId: 'a' }, { pageId: 'b' }, { pageId: 'c' }] };
    expect(dropIntent({ pageId: 'c', copyId: 'c1' }, copy, 0)).toEqual({ kind: 'reorder', copyId: 'c1', pageIds: ['c', 'a', 'b'] });
    expect(dropIntent({ pageId: 'a', copyId: 'c1' }, copy, null)).toEqual({ kind: 'reorder', copyId: 'c1', pageIds: ['b', 'c', 'a'] });
    expect(dropIntent({ pageId: 'a', copyId: 'c1' }, copy, 1)).toBeNull();
    expect(movedWithin(['a', 'b', 'c'], 'a', 2)).toEqual(['b', 'a', 'c']);
  });
});

async function openReview(options: { dispatched?: boolean } = {}) {
  const api = stubGraphQL({
    Exam: () => ({ data: { exam: exam(options.dispatched ?? false) } }),
    Scans: () => ({ data: { scans: [] } }),
    IdentificationDesk: () => ({
      data: { identificationDesk: { nextCursor: null, progress: { auto: 0, manual: 0, left: 2, total: 2 }, items: copies() } },
    }),
    SplitCopy: () => ({ data: { splitCopy: [] } }),
    ReorderPages: () => ({ data: { reorderPages: { copyId: 'c1', anonymousCode: 'K1', flags: [], pages: [] } } }),
    MovePage: () => ({ data: { movePage: [] } }),
    MergeCopies: () => ({ data: { mergeCopies: { copyId: 'c1', anonymousCode: 'K1', flags: [], pages: [] } } }),
    ClearFlag: () => ({ data: { clearFlag: { copyId: 'c2', anonymousCode: 'K2', flags: [], pages: [] } } }),
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

async function drop(target: ReturnType<ReturnType<typeof mount>['get']>, page: { pageId: string; copyId: string }): Promise<void> {
  const payload = JSON.stringify(page);
  const dataTransfer = { types: [PAGE_DRAG_TYPE], getData: (type: string) => (type === PAGE_DRAG_TYPE ? payload : ''), dropEffect: 'none' };
  await target.trigger('dragover', { dataTransfer });
  await target.trigger('drop', { dataTransfer });
}
