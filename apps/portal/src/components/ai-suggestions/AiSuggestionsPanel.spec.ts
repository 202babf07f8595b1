import { flushPromises, mount } from '@vue/test-utils';
import { ref } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveHandlers } from '@/graphql/live';
import { withI18n } from '@/testing/plugins';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';
import AiSuggestionsPanel from './AiSuggestionsPanel.vue';

/** The live socket, replaced by a hand that pushes the request's changes. */
const live = vi.hoisted(() => ({ handlers: [] as LiveHandlers<unknown>[] }));
vi.mock('@/graphql/live', () => ({
  liveStatus: ref('connected'),
  subscribe: (_document: unknown, _variables: unknown, handlers: LiveHandlers<unknown>) => {
    live.handlers.push(handlers);
    return () => live.handlers.splice(live.handlers.indexOf(handlers), 1);
  },
}));
const push = (request: unknown): void => live.handlers.forEach((handler) => handler.next({ aiSuggestionChanged: request }));

describe('the workspace’s AI suggestions panel', () => {
  afterEach(() => (live.handlers.length = 0));

  it('says the feature is off and offers nothing when the server has no model', async () => {
    stubGraphQL({ AiSuggestionsStatus: () => ({ data: { aiSuggestionsStatus: { enabled: false, model: null } } }) });
    const panel = await mountPanel();
    const button = panel.find('[data-ai-ask]');
    expect(button.text()).toBe('Suggestions IA désactivées');
    expect(button.attributes('disabled')).toBeDefined();
    expect(live.handlers).toHaveLength(0);
  });

  it('shows the pending request until the live answer lands, then each suggestion', async () => {
    const server = stubGraphQL({
      AiSuggestionsStatus: () => ({ data: { aiSuggestionsStatus: { enabled: true, model: 'local-vision' } } }),
      RequestAiSuggestions: () => ({ data: { requestAiSuggestions: request('PENDING') } }),
    });
    const panel = await mountPanel();
    push(null);
    await panel.find('[data-ai-ask]').trigger('click');
    await flushPromises();
    expect(server.of('RequestAiSuggestions')[0]?.variables).toEqual({ copyId: 'c1' });
    expect(panel.find('[data-ai-pending]').text()).toMatch(/^Le modèle lit la copie \(\d+ s\)…/);
    expect(panel.find('[data-ai-ask]').attributes('disabled')).toBeDefined();
    push(request('PRODUCED'));
    await flushPromises();
    expect(panel.find('[data-ai-pending]').exists()).toBe(false);
    expect(panel.find('[data-ai-question="q1"]').text()).toContain('Exercice 1');
    expect(panel.find('[data-ai-question="q1"]').text()).toContain('3,5 pts suggérés');
    expect(panel.find('[data-ai-comment]').text()).toBe('Copie claire.');
  });

  it('shows a failure with its reason, and lets the corrector ask again', async () => {
    stubGraphQL({ AiSuggestionsStatus: () => ({ data: { aiSuggestionsStatus: { enabled: true, model: 'm' } } }) });
    const panel = await mountPanel();
    push({ ...request('FAILED'), suggestions: [], failureCode: 'TIMEOUT', failureMessage: 'pas de réponse du modèle en 60 s.' });
    await flushPromises();
    expect(panel.find('[data-ai-failed]').text()).toBe('Pas de suggestions : pas de réponse du modèle en 60 s.');
    expect(panel.find('[data-ai-ask]').attributes('disabled')).toBeUndefined();
  });

  it('accepts with A, edits with M, and tells the workspace what was scored', async () => {
    const server = stubGraphQL({
      AiSuggestionsStatus: () => ({ data: { aiSuggestionsStatus: { enabled: true, model: 'm' } } }),
      ReviewAiSuggestion: (variables) => ({
        data: {
          reviewAiSuggestion: request('PRODUCED', {
            decision: variables.decision,
            reviewedPoints: variables.decision === 'EDITED' ? variables.points : 3.5,
          }),
        },
      }),
    });
    const panel = await mountPanel();
    push(request('PRODUCED'));
    await flushPromises();
    await panel.find('[data-ai-question="q1"]').trigger('keydown', { key: 'a' });
    await flushPromises();
    expect(server.of('ReviewAiSuggestion')[0]?.variables).toEqual({
      copyId: 'c1',
      requestId: 'r1',
      questionId: 'q1',
      decision: 'ACCEPTED',
      points: null,
    });
    expect(panel.emitted('scored')).toEqual([['q1', 3.5]]);
    expect(panel.find('[data-ai-decision]').text()).toBe('Acceptée');

    await panel.find('[data-ai-question="q1"]').trigger('keydown', { key: 'm' });
    await panel.find('input').setValue('2,5');
    await panel.find('input').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(server.of('ReviewAiSuggestion')[1]?.variables).toMatchObject({ decision: 'EDITED', points: 2.5 });
    expect(panel.emitted('scored')?.[1]).toEqual(['q1', 2.5]);
  });

  it('puts the cursor in the points field on M, text selected, and Escape goes back to the suggestion', async () => {
    stubGraphQL({ AiSuggestionsStatus: () => ({ data: { aiSuggestionsStatus: { enabled: true, model: 'm' } } }) });
    const panel = await mountPanel({ attachTo: document.body });
    push(request('PRODUCED'));
    await flushPromises();
    await panel.find('[data-ai-question="q1"]').trigger('keydown', { key: 'm' });
    await flushPromises();
    const input = panel.find('input').element as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    expect(input.value).toBe('3,5');
    expect([input.selectionStart, input.selectionEnd]).toEqual([0, 3]);
    await panel.find('input').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(panel.find('input').exists()).toBe(false);
    expect(document.activeElement).toBe(panel.find('[data-ai-question="q1"]').element);
    panel.unmount();
  });

  it('shows a refusal of the server (a full queue) as it is', async () => {
    stubGraphQL({
      AiSuggestionsStatus: () => ({ data: { aiSuggestionsStatus: { enabled: true, model: 'm' } } }),
      RequestAiSuggestions: () =>
        graphqlError('UNAVAILABLE', 'File d’attente pleine : réessayez dans une minute.', { retryAfterSeconds: 60 }),
    });
    const panel = await mountPanel();
    await panel.find('[data-ai-ask]').trigger('click');
    await flushPromises();
    expect(panel.find('[role="alert"]').text()).toBe('File d’attente pleine : réessayez dans une minute.');
  });

  it('says in French why a review was refused, and what was wrong with points typed', async () => {
    const server = stubGraphQL({
      AiSuggestionsStatus: () => ({ data: { aiSuggestionsStatus: { enabled: true, model: 'm' } } }),
      ReviewAiSuggestion: () => graphqlError('FORBIDDEN', 'Vous n’avez pas la main sur cette copie : reprenez-la d’abord.'),
    });
    const panel = await mountPanel();
    push(request('PRODUCED'));
    await flushPromises();
    await panel.find('[data-ai-question="q1"]').trigger('keydown', { key: 'm' });
    await panel.find('input').setValue('trois');
    await panel.find('input').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(panel.find('[data-ai-invalid]').text()).toBe('« trois » n’est pas un nombre de points.');
    expect(server.of('ReviewAiSuggestion')).toHaveLength(0);

    await panel.find('input').setValue('2,5');
    await panel.find('input').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(panel.find('[data-ai-invalid]').exists()).toBe(false);
    expect(panel.find('[role="alert"]').text()).toBe('Action refusée. Vous n’avez pas la main sur cette copie : reprenez-la d’abord.');
  });
});

async function mountPanel(options: { attachTo?: HTMLElement } = {}) {
  const panel = mount(AiSuggestionsPanel, {
    props: { copyId: 'c1', readOnly: false, labels: { q1: 'Exercice 1' } },
    ...withI18n,
    ...options,
  });
  await flushPromises();
  return panel;
}

function request(status: string, review: { decision?: unknown; reviewedPoints?: unknown } = {}) {
  return {
    requestId: 'r1',
    status,
    model: 'local-vision',
    requestedAt: new Date().toISOString(),
    comment: status === 'PRODUCED' ? 'Copie claire.' : null,
    failureCode: null,
    failureMessage: null,
    suggestions:
      status === 'PRODUCED'
        ? [
            {
              questionId: 'q1',
              points: 3.5,
              justification: 'Méthode correcte.',
              confidence: 0.8,
              decision: review.decision ?? null,
              reviewedPoints: review.reviewedPoints ?? null,
            },
          ]
        : [],
  };
}
