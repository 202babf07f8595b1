import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('adds the points on the grading scale only when it is not out of 20', async () => {
    stubGraphQL({ MyResultDetails: () => ({ data: { myResults: [result(), { ...result(), copyId: 'c2', total: 25, max: 40 }] } }) });
    expect((await open('c1')).find('[data-mark]').text()).not.toContain('au barème');
    expect((await open('c2')).find('[data-mark]').text()).toContain('25 / 40 au barème');
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

describe('the corrected copy as a PDF', () => {
  afterEach(() => vi.useRealTimers());

  it('is a download link to the authorised route once built', async () => {
    stubGraphQL({ MyResultDetails: () => ({ data: { myResults: [result()] } }) });
    const page = await open('c1');
    const link = page.find('[data-pdf-download]');
    expect(link.attributes('href')).toBe('/api/files/copies/c1/corrected.pdf');
    expect(link.attributes('download')).toBeDefined();
    expect(link.text()).toBe('Télécharger la copie corrigée (PDF)');
  });

  it('says it is being prepared, and appears without a reload once built', async () => {
    vi.useFakeTimers();
    const pending = { ...result(), correctedPdf: { ready: false, url: null } };
    const server = stubGraphQL({ MyResultDetails: (_, call) => ({ data: { myResults: [call === 1 ? pending : result()] } }) });
    const page = await open('c1');
    expect(page.find('[data-pdf-pending]').text()).toBe('PDF en préparation…');
    expect(page.find('[data-pdf-download]').exists()).toBe(false);
    await vi.advanceTimersByTimeAsync(3_000);
    await flushPromises();
    expect(page.find('[data-pdf-download]').exists()).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.of('MyResultDetails')).toHaveLength(2); // ready: it stopped asking
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
  correctedPdf: { ready: true, url: '/api/files/copies/c1/corrected.pdf' },
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
