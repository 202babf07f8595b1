import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '@/i18n';
import LotTable, { type LotRow } from './LotTable.vue';

afterEach(() => {
  i18n.global.locale.value = 'fr';
});

const mountLot = (copies: LotRow[]) =>
  mount(LotTable, {
    props: { copies, viewerId: 'teacher-1', linkTo: () => '/', fetchedAt: Date.now() },
    global: { plugins: [i18n], stubs: { RouterLink: { template: '<a data-copy-link><slot /></a>' } } },
  });

describe('a reopened copy in the corrector’s lot', () => {
  it('carries a "Rouverte" badge with who, when and why in its tooltip; the others carry none', () => {
    const reopened = { reason: 'Réclamation de l’élève', at: '2026-03-02T09:30:00.000Z', by: 'M. Admin' };
    const view = mountLot([row('c1', reopened), row('c2', null)]);
    const badges = view.findAll('.lot-reopened-badge');
    expect(badges).toHaveLength(1);
    expect(view.find('[data-copy-id="c1"] .lot-reopened-badge').exists()).toBe(true);
    expect(badges[0]!.text()).toContain('Rouverte');
    expect(badges[0]!.attributes('title')).toBe('Rouverte par M. Admin le 2 mars 2026 : « Réclamation de l’élève »');
  });

  it('names an unknown admin plainly, and speaks English too', () => {
    i18n.global.locale.value = 'en';
    const view = mountLot([row('c1', { reason: 'Mark not carried over', at: '2026-03-02T09:30:00.000Z', by: null })]);
    expect(view.find('.lot-reopened-badge').attributes('title')).toBe(
      'Reopened by an administrator on 2 March 2026: “Mark not carried over”',
    );
  });
});

const row = (copyId: string, reopened: LotRow['reopened']): LotRow => ({
  copyId,
  examId: 'e1',
  anonymousCode: `K-${copyId.toUpperCase()}`,
  status: 'IN_PROGRESS',
  total: 3,
  max: 20,
  pageCount: 2,
  finalisedAt: null,
  updatedAt: '2026-03-02T10:00:00.000Z',
  lock: null,
  reopened,
});
