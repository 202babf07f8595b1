import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { MyResultDetailsQuery } from '@/graphql/generated';
import { i18n } from '@/i18n';
import { stubGraphQL } from '@/testing/graphql-fetch';
import StudentResultPage from './StudentResultPage.vue';

describe('a student’s published result', () => {
  it('shows the mark, every question’s points and remark, and the appreciation', async () => {
    stubGraphQL({ MyResultDetails: () => ({ data: { myResults: [result()] } }) });
    const page = await open('c1');
    expect(page.find('[data-mark]').text()).toContain('12,5 / 20');
    expect(page.find('[data-question="q1"] [data-points]').text()).toBe('3,5 / 4');
    expect(page.find('[data-question="q1"] .remark').text()).toBe('Unité manquante.');
    expect(page.find('[data-question="q2"] [data-points]').text()).toContain('non noté');
    expect(page.find('[data-total]').text()).toBe('12,5 / 20');
    expect(page.find('[data-appreciation]').text()).toBe('Travail sérieux.');
  });

  it('draws the corrector’s annotations over the copy, with nothing to edit', async () => {
    stubGraphQL({ MyResultDetails: () => ({ data: { myResults: [result()] } }) });
    const page = await open('c1');
    expect(page.find('.copy-page-viewer img').attributes('src')).toBe('/api/files/pages/p1');
    expect(page.find('.copy-annotation-layer').classes()).toContain('read-only');
    expect(page.findAll('.copy-annotation-layer svg > *').length).toBeGreaterThan(0);
    expect(page.find('.copy-annotation-toolbar').exists()).toBe(false);
  });

  it('asks only for the student’s own results, and shows nothing for a copy not among them', async () => {
    const server = stubGraphQL({ MyResultDetails: () => ({ data: { myResults: [result()] } }) });
    const page = await open('someone-else');
    expect(server.calls.map((call) => call.operation)).toEqual(['MyResultDetails']);
    expect(page.find('[role="alert"]').text()).toContain('n’est pas (ou plus) publié');
    expect(page.find('.copy-page-viewer').exists()).toBe(false);
  });
});

const result = (): MyResultDetailsQuery['myResults'][number] => ({
  copyId: 'c1',
  examId: 'e1',
  title: 'Bac blanc de mathématiques',
  subject: 'Mathématiques',
  date: '2025-02-10',
  publishedAt: '2025-03-01T10:00:00.000Z',
  total: 12.5,
  max: 20,
  totalOn20: 12.5,
  appreciation: 'Travail sérieux.',
  questions: [
    { questionId: 'q1', label: 'Exercice 1', maxPoints: 4, points: 3.5, remark: 'Unité manquante.' },
    { questionId: 'q2', label: 'Exercice 2', maxPoints: 16, points: null, remark: null },
  ],
  pages: [{ pageId: 'p1', position: 0, imageUrl: '/api/files/pages/p1' }],
  annotations: [
    {
      annotationId: 'a1',
      pageId: 'p1',
      kind: 'TICK',
      x: 0.4,
      y: 0.3,
      points: null,
      strokeWidth: null,
      color: null,
      w: null,
      h: null,
      text: null,
    },
    {
      annotationId: 'a2',
      pageId: 'p1',
      kind: 'COMMENT',
      x: 0.2,
      y: 0.6,
      text: 'Unité ?',
      points: null,
      strokeWidth: null,
      color: null,
      w: null,
      h: null,
    },
  ],
});

const open = async (copyId: string) => {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/eleve', name: 'student-home', component: { render: () => h('p') } },
      { path: '/eleve/resultats/:copyId', name: 'student-result', component: StudentResultPage, props: true },
    ],
  });
  await router.push({ name: 'student-result', params: { copyId } });
  const page = mount(StudentResultPage, { props: { copyId }, global: { plugins: [router, i18n] } });
  await flushPromises();
  return page;
};
