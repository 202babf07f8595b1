import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { ExamFileActivityQuery } from '@/graphql/generated';
import { i18n } from '@/i18n';
import { stubGraphQL } from '@/testing/graphql-fetch';
import FileActivityTable from './FileActivityTable.vue';

type Entry = ExamFileActivityQuery['examFileActivity']['items'][number];

describe('an exam’s file journal for the exam office', () => {
  it('shows each file with its date, person, role, action and short hash, the full hash on hover', async () => {
    stubGraphQL({ ExamFileActivity: () => page([zip, studentPdf, pronote], null) });
    const table = await mountFor('e1');
    const cells = table.findAll('tbody tr').map((row) => row.findAll('td').map((cell) => cell.text()));
    expect(cells.map((row) => row.slice(1))).toEqual([
      ['Mme Le Goff', 'Administration', 'Archive ZIP des copies corrigées (34 copies, 1 manquante)', 'aaaaaaaaaaaa'],
      ['KERGUELEN Maëlys', 'Élève', 'Copie corrigée K-7QX2 téléchargée (version nominative) ↗', 'bbbbbbbbbbbb'],
      ['Mme Le Goff', 'Administration', 'Export Pronote (35 lignes, coefficient 2)', 'cccccccccccc'],
    ]);
    expect(table.find('tbody tr code').attributes('title')).toBe(`SHA-256 complet : ${'a'.repeat(64)}`);
    expect(table.find('tbody tr:nth-child(2) a').attributes('href')).toBe('/admin/audit/c1');
    expect(table.find('[data-more]').exists()).toBe(false);
  });

  it('asks the server for one kind only when filtered, and says when there is none', async () => {
    const { calls } = stubGraphQL({
      ExamFileActivity: (variables) => (variables.kinds ? page([], null) : page([zip], null)),
    });
    const table = await mountFor('e1');
    await table.find('[data-kind-filter]').setValue('GRADE_EXPORT');
    await flushPromises();
    expect(calls.map((call) => call.variables)).toEqual([
      { examId: 'e1', kinds: null, first: 100 },
      { examId: 'e1', kinds: ['GRADE_EXPORT'], first: 100 },
    ]);
    expect(table.find('[data-empty]').text()).toBe('Aucun fichier de ce type.');
  });

  it('appends older entries a page at a time until the last one', async () => {
    const { calls } = stubGraphQL({
      ExamFileActivity: (variables) => (variables.after === 'p2' ? page([pronote], null) : page([zip, studentPdf], 'p2')),
    });
    const table = await mountFor('e1');
    await table.find('[data-more]').trigger('click');
    await flushPromises();
    expect(calls.at(-1)?.variables).toEqual({ examId: 'e1', kinds: null, first: 100, after: 'p2' });
    expect(table.findAll('tbody tr').map((row) => row.attributes('data-kind'))).toEqual(['ARCHIVE', 'CORRECTED_COPY', 'GRADE_EXPORT']);
    expect(table.find('[data-more]').exists()).toBe(false);
  });
});

const entry = (
  eventId: string,
  kind: Entry['kind'],
  summary: string,
  actor: [string, string],
  hash: string,
  copyId: string | null = null,
): Entry => ({
  eventId,
  kind,
  at: '2025-03-01T10:00:00.000Z',
  actorName: actor[0],
  actorRole: actor[1],
  summary,
  anonymousCode: copyId ? 'K-7QX2' : null,
  copyId,
  fileName: null,
  sha256: hash.repeat(64),
  sha256Short: hash.repeat(12),
});
const office: [string, string] = ['Mme Le Goff', 'admin'];
const zip = entry('ev1', 'ARCHIVE', 'Archive ZIP des copies corrigées (34 copies, 1 manquante)', office, 'a');
const studentPdf = entry(
  'ev2',
  'CORRECTED_COPY',
  'Copie corrigée K-7QX2 téléchargée (version nominative)',
  ['KERGUELEN Maëlys', 'student'],
  'b',
  'c1',
);
const pronote = entry('ev3', 'GRADE_EXPORT', 'Export Pronote (35 lignes, coefficient 2)', office, 'c');

const page = (items: Entry[], nextCursor: string | null): { data: ExamFileActivityQuery } => ({
  data: { examFileActivity: { examId: 'e1', nextCursor, items } },
});

const mountFor = async (examId: string) => {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/admin/audit/:copyId', name: 'admin-copy-audit', component: { render: () => h('p') } }],
  });
  const table = mount(FileActivityTable, { props: { examId }, global: { plugins: [router, i18n] } });
  await flushPromises();
  return table;
};
