import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router';
import type { LiveHandlers } from '@/graphql/live';
import type { CopyLockChangedSubscription, CopyStatus, CorrectionCopyFieldsFragment } from '@/graphql/generated';
import { i18n } from '@/i18n';
import { useAuthStore } from '@/stores/auth';
import { useSaveQueueStore } from '@/stores/save-queue';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';
import TeacherCorrectionPage from '../TeacherCorrectionPage.vue';

/** The live socket, replaced by a hand that pushes copyLockChanged events. */
const live = vi.hoisted(() => ({ handlers: [] as LiveHandlers<unknown>[] }));
vi.mock('@/graphql/live', () => ({
  liveStatus: ref('connected'),
  subscribe: (_document: unknown, _variables: unknown, handlers: LiveHandlers<unknown>) => {
    live.handlers.push(handlers);
    return () => live.handlers.splice(live.handlers.indexOf(handlers), 1);
  },
}));
const push = (change: Partial<CopyLockChangedSubscription['copyLockChanged']>): void =>
  live.handlers.forEach((handler) =>
    handler.next({ copyLockChanged: { copyId: 'c2', examId: 'e1', anonymousCode: 'B7-K2', at: NOW, ...change } }),
  );

let wrapper: VueWrapper | null = null;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  useAuthStore().viewer = { id: ME, displayName: 'Mme Corre', role: 'teacher', mustChangePassword: false } as never;
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  useSaveQueueStore().dispose();
});

describe('the correction workspace', () => {
  it('takes the lock of a free copy and shows the lease', async () => {
    const server = api();
    const { view } = await open('c2');
    expect(server.of('LockCopy')).toHaveLength(1);
    expect(view.find('.copy-lock-banner').attributes('data-status')).toBe('held');
    expect(view.find('.copy-lock-banner').text()).toContain('Vous avez la main');
    expect(view.find('[data-tool="pen"]').attributes('disabled')).toBeUndefined();
  });

  it('turns read-only at once when an admin takes the copy back, and says why', async () => {
    api();
    const { view } = await open('c2');
    push({ change: 'FORCE_RELEASED', holderId: ME, reason: 'Copie à réattribuer', leaseUntil: null });
    await flushPromises();
    expect(view.find('.copy-lock-banner').attributes('data-status')).toBe('released');
    expect(view.find('.copy-lock-banner').text()).toContain('Copie à réattribuer');
    expect(view.find('[data-tool="pen"]').attributes('disabled')).toBeDefined();
    expect(view.find('[data-score-input="q1"]').attributes('readonly')).toBeDefined();
  });

  it('locks again on "Reprendre la main" and writes again', async () => {
    const server = api();
    const { view } = await open('c2');
    push({ change: 'FORCE_RELEASED', holderId: ME, reason: 'Vérification', leaseUntil: null });
    await flushPromises();
    await view.find('.take-back').trigger('click');
    await flushPromises();
    expect(server.of('LockCopy')).toHaveLength(2);
    expect(view.find('.copy-lock-banner').attributes('data-status')).toBe('held');
    expect(view.find('[data-tool="pen"]').attributes('disabled')).toBeUndefined();
  });

  it('keeps a score the network lost, says so, and sends it on retry', async () => {
    const server = api({
      AwardScore: (_v, call) =>
        call === 1 ? Promise.reject(new TypeError('Failed to fetch')) : { data: { awardScore: { copyId: 'c2', revision: '9' } } },
    });
    const { view } = await open('c2');
    await view.find('[data-score-input="q1"]').setValue('1,5');
    await view.find('[data-score-input="q1"]').trigger('blur');
    await flushPromises();
    expect(view.find('.copy-save-status').attributes('data-status')).toBe('offline');
    expect(view.find('[data-total]').text()).toContain('1,5');
    expect(view.find('[data-check="scored"]').text()).toContain('(1 sur 2)');
    expect((view.find('[data-score-input="q1"]').element as HTMLInputElement).value).toBe('1,5');
    await view.find('.copy-save-status .retry').trigger('click');
    await flushPromises();
    expect(server.of('AwardScore').map((call) => call.variables)).toEqual([
      { copyId: 'c2', questionId: 'q1', points: 1.5 },
      { copyId: 'c2', questionId: 'q1', points: 1.5 },
    ]);
    expect(view.find('.copy-save-status').attributes('data-status')).toBe('saved');
  });

  it('goes to the next and previous copy of the lot, by button and by J / K', async () => {
    api();
    const { view, router } = await open('c2');
    expect(view.find('[data-position]').text()).toBe('Copie 2 sur 3');
    await view.find('.copy-nav .next').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.params['copyId']).toBe('c3');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k' }));
    await flushPromises();
    expect(router.currentRoute.value.params['copyId']).toBe('c2');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', altKey: true }));
    await flushPromises();
    expect(router.currentRoute.value.params['copyId']).toBe('c1');
  });

  it('gives the lock back when the corrector leaves the copy', async () => {
    const server = api();
    const { router } = await open('c2');
    await router.push({ name: 'teacher-lot', params: { examId: 'e1' } });
    await flushPromises();
    expect(server.of('UnlockCopy').map((call) => call.variables)).toEqual([{ copyId: 'c2' }]);
  });

  it('says who reopened the copy, when and why, until it is finalised again', async () => {
    const reopened = { reason: 'Réclamation : exercice 2 mal compté', at: '2026-03-02T09:30:00.000Z', by: 'M. Admin' };
    const scores = [
      { questionId: 'q1', points: 2 },
      { questionId: 'q2', points: 1.5 },
    ];
    const server = api(
      { FinalizeCopy: () => ({ data: { finalizeCopy: { copyId: 'c2', revision: '12', total: 3.5, max: 4 } } }) },
      {
        c2: { reopened, scores },
      },
    );
    const { view } = await open('c2');
    const banner = view.find('.copy-reopened-banner');
    expect(banner.text()).toContain('Copie rouverte par M. Admin le 2 mars 2026 : « Réclamation : exercice 2 mal compté »');
    await view.find('.finalize-button').trigger('click');
    await view.find('.confirm-finalize').trigger('click');
    await flushPromises();
    expect(server.of('FinalizeCopy')).toHaveLength(1);
    expect(view.find('.copy-reopened-banner').exists()).toBe(false);
  });

  it('shows no reopening banner on a copy never reopened, nor on a finalised one', async () => {
    const reopened = { reason: 'Ancienne réclamation', at: NOW, by: null };
    api({}, { c1: { status: 'FINALISED', total: 4, reopened } });
    const { view, router } = await open('c2');
    expect(view.find('.copy-reopened-banner').exists()).toBe(false);
    await router.push({ name: 'teacher-copy', params: { copyId: 'c1' } });
    await flushPromises();
    expect(view.find('.finalised-line').exists()).toBe(true);
    expect(view.find('.copy-reopened-banner').exists()).toBe(false);
  });

  it('opens a copy someone else holds read-only, without taking it', async () => {
    const server = api({}, { c2: { lock: lease('admin-1', 'M. Admin') } });
    const { view } = await open('c2');
    expect(server.of('LockCopy')).toHaveLength(0);
    expect(view.find('.copy-lock-banner').text()).toContain('M. Admin');
    expect(view.find('[data-tool="pen"]').attributes('disabled')).toBeDefined();
  });
});

const ME = 'teacher-1';
const NOW = new Date().toISOString();
const lease = (holderId: string, holderName: string) => ({
  holderId,
  holderName,
  secondsLeft: 1800,
  until: new Date(Date.now() + 1_800_000).toISOString(),
});

const copyOf = (copyId: string, status: CopyStatus = 'IN_PROGRESS'): CorrectionCopyFieldsFragment => ({
  copyId,
  examId: 'e1',
  anonymousCode: { c1: 'A1-AA', c2: 'B7-K2', c3: 'C3-M8' }[copyId] ?? copyId,
  status,
  total: 0,
  max: 4,
  finalisedAt: null,
  revision: '3',
  appreciation: '',
  pages: [{ pageId: `${copyId}-p1`, position: 0, imageUrl: `/api/files/pages/${copyId}-p1` }],
  annotations: [],
  scores: [],
  remarks: [],
  lock: null,
  reopened: null,
});

type Handlers = Parameters<typeof stubGraphQL>[0];
/** The API as the workspace uses it; `copies` overrides what CorrectionCopy answers for a copy. */
const api = (overrides: Handlers = {}, copies: Record<string, Partial<CorrectionCopyFieldsFragment>> = {}) => {
  const read = (copyId: string) => ({ ...copyOf(copyId), ...copies[copyId] });
  return stubGraphQL({
    CorrectionCopy: (v) => ({ data: { copy: read(String(v['copyId'])) } }),
    LockCopy: (v) => {
      const copy = read(String(v['copyId']));
      if (copy.lock && copy.lock.holderId !== ME) return graphqlError('CONFLICT', 'locked by another');
      return { data: { lockCopy: { ...copy, lock: lease(ME, 'Mme Corre') } } };
    },
    RenewCopyLock: (v) => ({ data: { renewCopyLock: { copyId: v['copyId'], lock: lease(ME, 'Mme Corre') } } }),
    UnlockCopy: (v) => ({ data: { unlockCopy: { copyId: v['copyId'] } } }),
    TeacherExam: () => ({
      data: {
        exam: {
          examId: 'e1',
          title: 'Bac blanc',
          subject: 'Mathématiques',
          date: null,
          maxPoints: 4,
          scaleVersion: 1,
          scale: [
            { questionId: 'q1', label: 'Question 1', maxPoints: 2, step: 0.5, children: null },
            { questionId: 'q2', label: 'Question 2', maxPoints: 2, step: 0.5, children: null },
          ],
        },
      },
    }),
    MyCopies: () => ({
      data: {
        myCopies: ['c3', 'c1', 'c2'].map((copyId) => ({
          ...copyOf(copyId, 'ASSIGNED'),
          pageCount: 1,
          updatedAt: NOW,
        })),
      },
    }),
    ...overrides,
  });
};

const open = async (copyId: string): Promise<{ view: VueWrapper; router: Router }> => {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/correcteur', name: 'teacher-home', component: { render: () => h('p', 'home') } },
      { path: '/correcteur/examens/:examId', name: 'teacher-lot', component: { render: () => h('p', 'lot') } },
      { path: '/correcteur/copies/:copyId', name: 'teacher-copy', component: TeacherCorrectionPage, props: true },
    ],
  });
  await router.push({ name: 'teacher-copy', params: { copyId } });
  const App = defineComponent({ render: () => h(RouterView) });
  wrapper = mount(App, { global: { plugins: [router, i18n] }, attachTo: document.body });
  await flushPromises();
  return { view: wrapper, router };
};
