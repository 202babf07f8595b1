import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { withI18n } from '@/testing/plugins';
import { stubGraphQL } from '@/testing/graphql-fetch';
import AiSuggestionStats from './AiSuggestionStats.vue';
import ExamAnswerKeyEditor from './ExamAnswerKeyEditor.vue';

describe('the exam office’s AI figures', () => {
  it('shows the acceptance rate and the average gap to the final scores', async () => {
    const server = stubGraphQL({
      AiSuggestionStats: () => ({ data: { aiSuggestionStats: stats({ accepted: 2, edited: 1, dismissed: 1 }) } }),
    });
    const card = mount(AiSuggestionStats, { props: { examId: 'e1' }, ...withI18n });
    await flushPromises();
    expect(server.of('AiSuggestionStats')[0]?.variables).toEqual({ examId: 'e1' });
    expect(card.find('[data-ai-acceptance]').text()).toBe('50 %');
    expect(card.find('[data-ai-gap]').text()).toBe('0,75 pt sur 12 questions');
    expect(card.find('svg').attributes('aria-label')).toBe('Décisions des correcteurs');
    expect(card.findAll('svg title').map((title) => title.text())).toEqual(['Acceptées : 2', 'Modifiées : 1', 'Ignorées : 1']);
  });

  it('says when no suggestion was asked for', async () => {
    stubGraphQL({
      AiSuggestionStats: () => ({ data: { aiSuggestionStats: { ...stats({}), requests: 0, acceptanceRate: null, averageGap: null } } }),
    });
    const card = mount(AiSuggestionStats, { props: { examId: 'e1' }, ...withI18n });
    await flushPromises();
    expect(card.text()).toContain('Aucune suggestion IA demandée pour cet examen.');
  });
});

describe('the answer key editor', () => {
  it('loads the stored key and saves the edited text', async () => {
    const server = stubGraphQL({
      ExamAnswerKey: () => ({ data: { examAnswerKey: { text: 'x = 2', updatedAt: null } } }),
      DefineAnswerKey: (variables) => ({
        data: { defineAnswerKey: { text: String(variables.text).trim(), updatedAt: '2026-01-01T00:00:00Z' } },
      }),
    });
    const editor = mount(ExamAnswerKeyEditor, { props: { examId: 'e1' }, ...withI18n });
    await flushPromises();
    const area = editor.find('textarea');
    expect((area.element as HTMLTextAreaElement).value).toBe('x = 2');
    await area.setValue('Exercice 1 : x = 3 ');
    await editor.find('[data-answer-key-save]').trigger('click');
    await flushPromises();
    expect(server.of('DefineAnswerKey')[0]?.variables).toEqual({ examId: 'e1', text: 'Exercice 1 : x = 3 ' });
    expect((area.element as HTMLTextAreaElement).value).toBe('Exercice 1 : x = 3');
    expect(editor.find('[role="status"]').text()).toBe('Corrigé enregistré.');
  });

  it('cannot be typed in before the stored key has loaded, so a late load never wipes what was typed', async () => {
    let answer: (value: { data: unknown }) => void = () => undefined;
    stubGraphQL({ ExamAnswerKey: () => new Promise<{ data: unknown }>((resolve) => (answer = resolve)) });
    const editor = mount(ExamAnswerKeyEditor, { props: { examId: 'e1' }, ...withI18n });
    await flushPromises();
    const area = editor.find('textarea');
    expect(area.attributes('readonly')).toBeDefined();
    answer({ data: { examAnswerKey: { text: 'x = 2', updatedAt: null } } });
    await flushPromises();
    expect(area.attributes('readonly')).toBeUndefined();
    expect((area.element as HTMLTextAreaElement).value).toBe('x = 2');
  });
});

function stats(decisions: { accepted?: number; edited?: number; dismissed?: number }) {
  const { accepted = 0, edited = 0, dismissed = 0 } = decisions;
  const reviewed = accepted + edited + dismissed;
  return {
    requests: 5,
    produced: 4,
    failed: 1,
    pending: 0,
    accepted,
    edited,
    dismissed,
    acceptanceRate: reviewed === 0 ? null : accepted / reviewed,
    averageGap: 0.75,
    comparedQuestions: 12,
  };
}
