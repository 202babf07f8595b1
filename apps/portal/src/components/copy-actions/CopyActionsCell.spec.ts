import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '@/i18n';
import { useNoticesStore } from '@/stores/notices';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';
import type { ActionCopy, CorrectorChoice } from './copy-actions';
import CopyActionsCell from './CopyActionsCell.vue';

enableAutoUnmount(afterEach);

describe('a copy’s actions for the exam office', () => {
  beforeEach(() => setActivePinia(createPinia()));

  describe('a finalised copy', () => {
    it('offers reopening and flagging, not reassignment', async () => {
      const cell = await mountCell(copy({ status: 'FINALISED' }));
      expect(menuItems(cell)).toEqual(['Rouvrir la copie', 'Signaler un problème']);
    });

    it('asks for a reason before reopening, and sends nothing without one', async () => {
      const server = stubGraphQL({});
      const cell = await open(copy({ status: 'FINALISED' }), 'Rouvrir la copie');
      await cell.find('#copy-reopen-form').trigger('submit');
      await flushPromises();
      expect(server.calls).toHaveLength(0);
      expect(cell.find('.field-error').text()).toBe('Indiquez le motif de la réouverture.');
    });

    it('reopens it with the trimmed reason, says so, and asks the table to refresh', async () => {
      const server = stubGraphQL({ ReopenCopy: () => ({ data: { reopenCopy: { copyId: 'c1', status: 'IN_PROGRESS' } } }) });
      const cell = await open(copy({ status: 'FINALISED' }), 'Rouvrir la copie');
      await cell.find('textarea[name="reason"]').setValue('  Erreur de barème à la question 2  ');
      await cell.find('#copy-reopen-form').trigger('submit');
      await flushPromises();
      expect(server.of('ReopenCopy')[0]?.variables).toEqual({ copyId: 'c1', reason: 'Erreur de barème à la question 2' });
      expect(useNoticesStore().notices.map((notice) => notice.text)).toEqual(['Copie K-001 rouverte : elle est de nouveau en correction.']);
      expect(cell.emitted('changed')).toHaveLength(1);
      expect(cell.find('dialog').exists()).toBe(false);
    });

    it('tells what happens to students when the results are already published', async () => {
      stubGraphQL({});
      const published = await open(copy({ status: 'FINALISED' }), 'Rouvrir la copie', { published: true });
      expect(published.find('[data-publication]').text()).toContain('l’élève ne voit plus cette copie ni sa note');
      const unpublished = await open(copy({ status: 'FINALISED' }), 'Rouvrir la copie', { published: false });
      expect(unpublished.find('[data-publication]').text()).toContain('la publication restera impossible');
    });

    it('explains a refusal in French and refreshes the table when the copy was already reopened', async () => {
      stubGraphQL({ ReopenCopy: () => graphqlError('CONFLICT', 'only a finalised copy can be reopened') });
      const cell = await open(copy({ status: 'FINALISED' }), 'Rouvrir la copie');
      await cell.find('textarea[name="reason"]').setValue('Oubli');
      await cell.find('#copy-reopen-form').trigger('submit');
      await flushPromises();
      expect(cell.find('[role="alert"]').text()).toBe(
        'Cette copie n’est plus finalisée (elle a peut-être déjà été rouverte) : la liste est actualisée.',
      );
      expect(cell.text()).not.toContain('only a finalised');
      expect(cell.emitted('changed')).toHaveLength(1);
    });
  });

  describe('a copy being corrected', () => {
    it('offers the exam’s other active correctors only', async () => {
      stubGraphQL({});
      const cell = await open(copy({ status: 'IN_PROGRESS' }), 'Réattribuer');
      expect(cell.text()).toContain('Correcteur actuel : M. Morvan.');
      const options = cell.findAll('select[name="corrector"] option').map((option) => option.text());
      expect(options).toEqual(['Choisir un correcteur…', 'Mme Le Gall']);
    });

    it('gives it to the chosen corrector', async () => {
      const server = stubGraphQL({
        ReassignCopy: () => ({ data: { reassignCopy: { copyId: 'c1', correctorId: 'u2', status: 'in_progress' } } }),
      });
      const cell = await open(copy({ status: 'IN_PROGRESS' }), 'Réattribuer');
      await cell.find('select[name="corrector"]').setValue('u2');
      await cell.find('#copy-reassign-form').trigger('submit');
      await flushPromises();
      expect(server.of('ReassignCopy')[0]?.variables).toEqual({ copyId: 'c1', correctorId: 'u2' });
      expect(useNoticesStore().notices.map((notice) => notice.text)).toEqual(['Copie K-001 confiée à Mme Le Gall.']);
      expect(cell.emitted('changed')).toHaveLength(1);
    });

    it('says why a locked copy cannot move and points to the lock board, with no button to try', async () => {
      stubGraphQL({});
      const cell = await open(
        copy({ status: 'IN_PROGRESS', lock: { holderName: 'M. Morvan', until: '2025-03-01T10:30:00.000Z' } }),
        'Réattribuer',
      );
      expect(cell.find('[data-blocked]').text()).toContain('Cette copie est verrouillée par M. Morvan');
      expect(cell.find('[data-blocked] a').text()).toBe('Ouvrir le tableau des verrous');
      expect(cell.find('button[form="copy-reassign-form"]').exists()).toBe(false);
    });

    it('shows the server’s own French refusal of a corrector', async () => {
      stubGraphQL({
        ReassignCopy: () => graphqlError('BAD_USER_INPUT', 'Choisissez un enseignant actif parmi les correcteurs de cet examen.'),
      });
      const cell = await open(copy({ status: 'ASSIGNED' }), 'Réattribuer');
      await cell.find('select[name="corrector"]').setValue('u2');
      await cell.find('#copy-reassign-form').trigger('submit');
      await flushPromises();
      expect(cell.find('[role="alert"]').text()).toBe(
        'Saisie refusée. Choisissez un enseignant actif parmi les correcteurs de cet examen.',
      );
      expect(cell.emitted('changed')).toBeUndefined();
    });
  });

  describe('flagging', () => {
    it('needs a note for “other problem”, then sends the reason with it', async () => {
      const server = stubGraphQL({
        FlagCopy: () => ({ data: { flagCopy: { copyId: 'c1', flags: [{ reason: 'OTHER', note: 'Encre illisible' }] } } }),
      });
      const cell = await open(copy({ status: 'ASSIGNED', flags: [{ reason: 'BLANK_PAGES' }] }), 'Signaler un problème');
      expect(cell.find('[data-existing]').text()).toBe('Déjà signalé : Pages blanches.');
      await cell.find('select[name="reason"]').setValue('OTHER');
      await cell.find('#copy-flag-form').trigger('submit');
      await flushPromises();
      expect(server.calls).toHaveLength(0);
      expect(cell.find('.field-error').text()).toBe('Décrivez le problème.');
      await cell.find('textarea[name="note"]').setValue('Encre illisible');
      await cell.find('#copy-flag-form').trigger('submit');
      await flushPromises();
      expect(server.of('FlagCopy')[0]?.variables).toEqual({ copyId: 'c1', reason: 'OTHER', note: 'Encre illisible' });
      expect(useNoticesStore().notices.map((notice) => notice.text)).toEqual(['Copie K-001 signalée : Autre problème.']);
    });
  });
});

const CORRECTORS: CorrectorChoice[] = [
  { userId: 'u1', displayName: 'M. Morvan', active: true, current: true },
  { userId: 'u2', displayName: 'Mme Le Gall', active: true, current: true },
  { userId: 'u3', displayName: 'M. Tanguy', active: false, current: true },
  { userId: 'u4', displayName: 'Mme Riou', active: true, current: false },
];

const copy = (overrides: Partial<ActionCopy>): ActionCopy => ({
  copyId: 'c1',
  anonymousCode: 'K-001',
  status: 'ASSIGNED',
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
  correctedPdf: null,
  ...overrides,
});

const mountCell = async (target: ActionCopy, props: { published?: boolean } = {}) => {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { render: () => h('p') } },
      { path: '/admin/verrous', name: 'admin-locks', component: { render: () => h('p') } },
    ],
  });
  const cell = mount(CopyActionsCell, {
    props: { copy: target, correctors: CORRECTORS, ...props },
    global: { plugins: [router, i18n] },
    attachTo: document.body,
  });
  await flushPromises();
  return cell;
};

const menuItems = (cell: Awaited<ReturnType<typeof mountCell>>): string[] => cell.findAll('.menu-item').map((item) => item.text());

/** Picks an action from the row's menu, as a click would. */
const open = async (target: ActionCopy, label: string, props: { published?: boolean } = {}) => {
  const cell = await mountCell(target, props);
  await cell
    .findAll('.menu-item')
    .find((item) => item.text() === label)!
    .trigger('click');
  await flushPromises();
  return cell;
};
