import type { Locator, Page } from 'playwright-core';
import { FakeOpenAi, completion } from '../../support/fake-openai.js';
import { openExamTab } from './admin-steps.js';
import { screenshot } from './browser.js';

/**
 * AI-suggested scores as the school uses them (issue 6): the exam office writes the answer key, the
 * corrector asks the model (a local OpenAI-compatible server) for suggestions and reviews them with
 * the keyboard, and the exam's overview reports how they were used.
 */

/** The model the API is pointed at: it answers `points[i]` for the i-th scored question of the schema it receives. */
export const startModel = async (points: readonly number[]): Promise<FakeOpenAi> => {
  const model = await new FakeOpenAi().start();
  model.answer = (call, response) => {
    const schema = call.body.response_format.json_schema.schema as {
      properties: { suggestions: { items: { properties: { questionId: { enum: string[] } } } } };
    };
    const ids = schema.properties.suggestions.items.properties.questionId.enum;
    const suggestions = ids.map((questionId, index) => ({
      questionId,
      points: points[index] ?? 0,
      justification: index % 2 ? 'Raisonnement juste, une unité oubliée.' : 'Réponse complète et bien justifiée.',
      confidence: 0.9 - index * 0.1,
    }));
    completion(JSON.stringify({ suggestions, comment: 'Copie soignée ; vérifier les unités.' }))(call, response);
  };
  return model;
};

/** OPENAI_* for the API about to start; returns what puts the environment back. */
export const pointApiAt = (model: FakeOpenAi): (() => void) => {
  const env = { OPENAI_API_KEY: 'e2e-key', OPENAI_MODEL: 'local-vision', OPENAI_BASE_URL: model.baseURL };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  };
};

export const writeAnswerKey = async (page: Page, examId: string, text: string): Promise<void> => {
  await openExamTab(page, examId, 'Vue d’ensemble');
  const card = page.locator('[data-answer-key]');
  await card.getByRole('textbox', { name: 'Corrigé pour les suggestions IA' }).fill(text);
  await card.getByRole('button', { name: 'Enregistrer le corrigé' }).click();
  await card.getByRole('status').filter({ hasText: 'Corrigé enregistré.' }).waitFor();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, '05-admin-answer-key');
};

const panelOf = (page: Page): Locator => page.getByRole('region', { name: 'Suggestions IA' });
export const suggestionFor = (page: Page, label: string): Locator =>
  panelOf(page).locator('li[data-ai-question]').filter({ hasText: label });

/** The corrector asks for suggestions and waits until they are on screen (the panel follows the request live). */
export const askSuggestions = async (page: Page): Promise<Locator> => {
  const panel = panelOf(page);
  await panel.getByRole('button', { name: 'Demander des suggestions' }).click();
  await panel.locator('li[data-ai-question]').first().waitFor();
  return panel;
};

/** Focus on a suggestion, then A: the suggested points become the question's score. */
export const acceptByKeyboard = async (page: Page, label: string): Promise<void> => {
  const item = suggestionFor(page, label);
  await item.focus();
  await page.keyboard.press('a');
  await item.locator('[data-ai-decision]').filter({ hasText: 'Acceptée' }).waitFor();
};

/** Focus on a suggestion, M (the points field opens focused, its text selected), the corrector's own points, Enter. */
export const editByKeyboard = async (page: Page, label: string, points: string): Promise<void> => {
  const item = suggestionFor(page, label);
  await item.focus();
  await page.keyboard.press('m');
  await page.keyboard.type(points);
  await page.keyboard.press('Enter');
  await item
    .locator('[data-ai-decision]')
    .filter({ hasText: `Modifiée : ${points} pts` })
    .waitFor();
};

/** The exam's overview: the AI card with its figures, as the exam office reads them. */
export const aiStats = async (page: Page, examId: string): Promise<Record<string, string>> => {
  await openExamTab(page, examId, 'Vue d’ensemble');
  const card = page.locator('[data-ai-stats]');
  await card.locator('[data-ai-acceptance]').waitFor();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, '22-admin-ai-stats');
  const terms = await card.locator('dt').allTextContents();
  const values = await card.locator('dd').allTextContents();
  const text = (raw: string | undefined): string => (raw ?? '').replace(/\s+/g, ' ').trim();
  return Object.fromEntries(terms.map((term, index) => [text(term), text(values[index])]));
};
