import type { Page } from 'playwright-core';
import { openExamTab } from './admin-steps.js';
import { imageLoaded, screenshot } from './browser.js';
import { type RosterView, longDate } from './scenario-data.js';

/** The scan import screens: sending the class's PDF and following its import, then the identification desk. */

/** What the scan card said once the import finished, and whether a running step was seen on the way. */
export type ImportOutcome = { sawProgress: boolean; outcome: string };

const PIPELINE_TIMEOUT = 150_000;

export const uploadClassScan = async (page: Page, examId: string, pdf: Buffer, pagesPerCopy: number): Promise<ImportOutcome> => {
  await openExamTab(page, examId, 'Numérisation');
  await page.getByLabel('Pages par copie').fill(String(pagesPerCopy));
  await page
    .locator('input[type="file"][name="file"]')
    .setInputFiles({ name: 'Numérisation 1G3.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('list', { name: 'Fichiers choisis' }).getByText('Numérisation 1G3.pdf').waitFor();
  await page.getByRole('button', { name: 'Importer le fichier' }).click();
  const card = page.getByTestId('scan-card').filter({ hasText: 'Numérisation 1G3.pdf' });
  // The live progress: a running step with its count ("Lecture des en-têtes : 2 copies sur 4").
  const step = card.getByTestId('scan-step');
  let sawProgress = false;
  try {
    await step.waitFor({ timeout: 30_000 });
    sawProgress = true;
    await screenshot(page, '08-admin-scan-import-progress');
  } catch {
    // Finished before a step could be seen: the assertion on `sawProgress` reports it.
  }
  await card
    .getByTestId('scan-status')
    .filter({ hasText: /Terminé|Échec|Refusé/ })
    .waitFor({ timeout: PIPELINE_TIMEOUT });
  await screenshot(page, '09-admin-scan-import-done');
  return { sawProgress, outcome: (await card.textContent()) ?? '' };
};

/** The split review, reached from the finished import's card: every copy cut from the scan, with its pages. */
export const reviewSplit = async (page: Page): Promise<number> => {
  await page.getByRole('link', { name: 'Vérifier le découpage' }).click();
  const copies = page.getByTestId('split-copy');
  await copies.first().waitFor();
  for (const thumbnail of await copies.locator('img').all()) await imageLoaded(page, thumbnail);
  await page.mouse.wheel(0, -10_000);
  await screenshot(page, '10-admin-split-review');
  return copies.count();
};

const deskName = (student: RosterView): string => `${student.lastName.toLocaleUpperCase('fr-FR')} ${student.firstName}`;

/**
 * Identifies every copy left at the desk with the keyboard only: the digit of the right candidate
 * (or R, the name, then the digit when OCR did not propose them), then Enter, which moves on.
 * The right candidate is known by name and birth date: a class can have two pupils of the same name.
 * `studentOf` tells who wrote the copy starting on a page of the scan. Returns how many were confirmed.
 */
export const confirmDeskByKeyboard = async (page: Page, examId: string, studentOf: (firstPage: number) => RosterView): Promise<number> => {
  await openExamTab(page, examId, 'Identification');
  const left = page.getByTestId('count-left');
  await left.waitFor();
  await screenshot(page, '11-admin-identification-desk');
  let confirmed = 0;
  while (Number(await left.textContent()) > 0) {
    const panel = page.getByTestId('desk-panel');
    await panel.getByText(/^À identifier$/).waitFor();
    const pages = (await panel.getByText(/du scan$/).textContent()) ?? '';
    const student = studentOf(Number(/pages? (\d+)/.exec(pages)?.[1]));
    const isRight = (text: string): boolean => text.includes(deskName(student)) && text.includes(longDate(student.birthDate));
    let index = (await panel.getByTestId('desk-candidates').getByTestId('desk-choice').allTextContents()).findIndex(isRight);
    if (index < 0) {
      await page.keyboard.press('r');
      await page.keyboard.type(student.lastName);
      const results = panel.getByRole('listbox').last().getByTestId('desk-choice');
      await results
        .filter({ hasText: deskName(student) })
        .first()
        .waitFor();
      index = (await results.allTextContents()).findIndex(isRight);
    }
    const before = Number(await left.textContent());
    await page.keyboard.press(String(index + 1));
    await page.keyboard.press('Enter');
    await page
      .getByTestId('count-left')
      .filter({ hasText: new RegExp(`^${before - 1}$`) })
      .waitFor();
    confirmed++;
  }
  await page.getByTestId('desk-done').waitFor();
  await screenshot(page, '12-admin-identification-done');
  return confirmed;
};

export const dispatchCopies = async (page: Page, examId: string): Promise<string> => {
  await openExamTab(page, examId, 'Correcteurs');
  await page.getByRole('button', { name: 'Répartir les copies' }).click();
  const outcome = page.getByRole('region', { name: 'Répartition des copies' }).locator('.alert-success');
  await outcome.waitFor();
  await page.getByRole('heading', { name: 'Répartition par correcteur' }).waitFor();
  await screenshot(page, '13-admin-dispatch');
  return (await outcome.textContent()) ?? '';
};
