import type { Page } from 'playwright-core';
import { screenshot } from './browser.js';

/**
 * What the exam office does in the admin portal, screen by screen, the way a person does it: labels
 * and buttons by their French text, files through the file pickers. Each step waits for the screen's
 * own confirmation and leaves a screenshot behind.
 */

export type ScaleQuestion = { label: string; maxPoints?: number; step?: '0,25' | '0,5' | '1'; children?: ScaleQuestion[] };

export const importRoster = async (page: Page, csv: string): Promise<void> => {
  await page.getByRole('link', { name: 'Élèves', exact: true }).click();
  await page.getByRole('link', { name: 'Importer une liste' }).click();
  await page.getByLabel('Fichier').setInputFiles({ name: 'liste-classe.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await page.getByText('Vérification (rien n’a été enregistré)').waitFor();
  await page.getByRole('button', { name: 'Importer', exact: true }).click();
  await page.getByText('Compte rendu de l’import').waitFor();
  await screenshot(page, '02-admin-roster-import');
};

/** Creates the exam for one class; returns its id (the portal moves on to its grading scale). */
export const createExam = async (
  page: Page,
  exam: { title: string; subject: string; date: string; className: string },
): Promise<string> => {
  await page.getByRole('link', { name: 'Examens', exact: true }).click();
  await page.getByRole('button', { name: 'Nouvel examen' }).click();
  await page.getByLabel('Intitulé').fill(exam.title);
  await page.getByLabel('Matière').fill(exam.subject);
  await page.getByLabel('Date').fill(exam.date);
  await page.getByRole('checkbox', { name: exam.className }).check();
  await screenshot(page, '03-admin-exam-create');
  await page.getByRole('button', { name: 'Créer l’examen' }).click();
  await page.waitForURL(/\/admin\/examens\/[^/]+\/bareme$/);
  return /\/admin\/examens\/([^/]+)\/bareme$/.exec(page.url())![1]!;
};

/** Types the scale into the editor: a question, then its points and step, or its sub-questions. */
export const defineScale = async (page: Page, questions: readonly ScaleQuestion[]): Promise<void> => {
  const fill = async (question: ScaleQuestion, number: string): Promise<void> => {
    await page.getByLabel(`Intitulé de la question ${number}`, { exact: true }).fill(question.label);
    if (question.children) {
      for (const [index, child] of question.children.entries()) {
        await page.getByRole('button', { name: `Ajouter une sous-question à ${question.label}` }).click();
        await fill(child, `${number}.${index + 1}`);
      }
      return;
    }
    await page.getByLabel(`Points de ${question.label}`, { exact: true }).fill(String(question.maxPoints).replace('.', ','));
    await page
      .getByLabel(`Pas de notation de ${question.label}`, { exact: true })
      .selectOption({ label: `par ${question.step ?? '0,5'} pt` });
  };
  for (const [index, question] of questions.entries()) {
    await page.getByRole('button', { name: '+ Ajouter une question' }).click();
    await fill(question, String(index + 1));
  }
  await screenshot(page, '04-admin-grading-scale-editor');
  await page.getByRole('button', { name: 'Enregistrer le barème' }).click();
  await page.getByText('Version 1 en vigueur.').waitFor();
};

/** A teacher's account; returns the temporary password the screen shows once. */
export const createTeacher = async (page: Page, name: string, email: string): Promise<string> => {
  await page.getByRole('link', { name: 'Comptes', exact: true }).click();
  // The labels end with the required mark (" *"): matched by their start.
  await page.getByLabel(/^\s*Nom/).fill(name);
  await page.getByLabel(/^\s*E-mail/).fill(email);
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  const handOver = page.getByTestId('created-account');
  await handOver.getByText(`Compte de ${name} créé`).waitFor();
  await page
    .getByRole('row', { name: new RegExp(name) })
    .getByText('Mot de passe provisoire')
    .waitFor();
  await screenshot(page, '06-admin-users-created');
  return (await handOver.locator('output').textContent())!.trim();
};

export const openExamTab = async (page: Page, examId: string, tab: string): Promise<void> => {
  if (!page.url().includes(`/admin/examens/${examId}`)) await page.goto(`/admin/examens/${examId}`);
  await page.getByRole('navigation', { name: 'Sections de l’examen' }).getByRole('link', { name: tab, exact: true }).click();
};

export const assignCorrector = async (page: Page, examId: string, name: string): Promise<void> => {
  await openExamTab(page, examId, 'Correcteurs');
  await page.getByRole('checkbox', { name }).check();
  await page.getByRole('button', { name: 'Enregistrer les correcteurs' }).click();
  await page.getByRole('row', { name: new RegExp(name) }).waitFor();
  await screenshot(page, '07-admin-correctors');
};
