import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { ExamCopiesQuery } from '@/graphql/generated';
import { i18n } from '@/i18n';
import { stubGraphQL } from '@/testing/graphql-fetch';
import type { CorrectorChoice } from '@/components/copy-actions/copy-actions';
import ExamCopiesTable from './ExamCopiesTable.vue';

describe('an exam’s copies for the exam office', () => {
  it('offers each corrected copy’s PDF, says which are being prepared, and nothing for copies not finalised', async () => {
    stubGraphQL({
      ExamCopies: () => ({
        data: {
          copies: [
            copy('c1', 'K-001', 'FINALISED', { ready: true, url: '/api/files/copies/c1/corrected.pdf' }),
            copy('c2', 'K-002', 'FINALISED', { ready: false, url: null }),
            copy('c3', 'K-003', 'IN_PROGRESS', null),
          ],
        },
      }),
    });
    const table = await mountFor('e1');
    const cell = (code: string) => table.findAll('tbody tr').find((row) => row.find('th').text() === code)!;
    expect(cell('K-001').find('[data-pdf-download]').attributes('href')).toBe('/api/files/copies/c1/corrected.pdf');
    expect(cell('K-001').find('[data-pdf-download]').attributes('aria-label')).toBe('Télécharger la copie corrigée K-001 (PDF)');
    expect(cell('K-002').find('[data-pdf-pending]').text()).toBe('PDF en préparation…');
    expect(cell('K-003').find('[data-pdf-download], [data-pdf-pending]').exists()).toBe(false);
    table.unmount(); // stops asking again for the copy being prepared
  });

  it('offers the copy actions only when given the exam’s correctors, and reads the copies again after one', async () => {
    let reopened = false;
    const server = stubGraphQL({
      ExamCopies: () => ({
        data: {
          copies: [
            {
              ...copy('c1', 'K-001', reopened ? 'IN_PROGRESS' : 'FINALISED', null),
              reopened: reopened ? { reason: 'Erreur de report', at: '2025-03-02T09:00:00.000Z', by: 'Administrateur' } : null,
            },
          ],
        },
      }),
      ReopenCopy: () => ((reopened = true), { data: { reopenCopy: { copyId: 'c1', status: 'IN_PROGRESS' } } }),
    });
    const readOnly = await mountFor('e1');
    expect(readOnly.find('.copy-actions-cell').exists()).toBe(false);
    readOnly.unmount();
    setActivePinia(createPinia());
    const table = await mountFor('e1', { correctors: [{ userId: 'u1', displayName: 'M. Morvan', active: true, current: true }] });
    expect(table.find('summary').attributes('aria-label')).toBe('Actions sur la copie K-001');
    await table
      .findAll('.menu-item')
      .find((item) => item.text() === 'Rouvrir la copie')!
      .trigger('click');
    await table.find('textarea[name="reason"]').setValue('Erreur de report');
    await table.find('#copy-reopen-form').trigger('submit');
    await flushPromises();
    expect(server.of('ExamCopies')).toHaveLength(3);
    expect(table.find('tbody td .badge').text()).toBe('En correction');
    expect(table.find('.lot-reopened-badge').attributes('title')).toContain('Erreur de report');
    table.unmount();
  });
});

const copy = (
  copyId: string,
  anonymousCode: string,
  status: ExamCopiesQuery['copies'][number]['status'],
  correctedPdf: ExamCopiesQuery['copies'][number]['correctedPdf'],
): ExamCopiesQuery['copies'][number] => ({
  copyId,
  anonymousCode,
  status,
  total: 12,
  max: 20,
  finalisedAt: null,
  correctorId: 'u1',
  correctorName: 'M. Morvan',
  updatedAt: '2025-03-01T10:00:00.000Z',
  flags: [],
  student: null,
  lock: null,
  reopened: null,
  correctedPdf,
});

const mountFor = async (examId: string, extra: { correctors?: CorrectorChoice[] } = {}) => {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/admin/copies/:copyId/historique', name: 'admin-copy-audit', component: { render: () => h('p') } }],
  });
  const table = mount(ExamCopiesTable, { props: { examId, ...extra }, global: { plugins: [router, i18n] } });
  await flushPromises();
  return table;
};
