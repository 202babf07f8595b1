import type { Locator, Page } from 'playwright-core';
import { imageLoaded, screenshot } from './browser.js';

/**
 * The forced password change and the correction workspace as a teacher uses them: the mouse for the
 * pen and the comment, the keyboard for the scores (Q, then a number and Enter per question).
 */

/** The forced change after a temporary password or a student's one-time code (students are not asked for the code again). */
export const choosePassword = async (page: Page, temporary: string | null, chosen: string, shot: string): Promise<void> => {
  await page.waitForURL(/\/mot-de-passe/);
  if (temporary !== null) await page.getByLabel(/^\s*Mot de passe provisoire/).fill(temporary);
  await page.getByLabel(/^\s*Nouveau mot de passe/).fill(chosen);
  await page.getByLabel(/^\s*Confirmer le nouveau mot de passe/).fill(chosen);
  await screenshot(page, shot);
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/mot-de-passe'));
};

export const workspace = (page: Page) => {
  const root = page.locator('.correction-workspace');
  return {
    root,
    banner: root.locator('.copy-lock-banner'),
    saveStatus: root.locator('.copy-save-status'),
    layer: root.locator('.copy-annotation-layer svg').first(),
    annotations: (kind: string): Locator => root.locator(`.copy-annotation-layer g.copy-annotation[data-kind="${kind}"]`),
  };
};

/** Opens the copy from the teacher's lot; the workspace takes its lock. Returns its anonymous code. */
export const openCopyFromLot = async (page: Page, examTitle: string): Promise<string> => {
  await page.getByRole('link', { name: examTitle }).click();
  const first = page.locator('a[data-copy-link]').first();
  await first.waitFor();
  await screenshot(page, '15-teacher-lot');
  const code = ((await first.textContent()) ?? '').trim();
  await first.click();
  await workspace(page).banner.and(page.locator('[data-status="held"]')).waitFor();
  await imageLoaded(page, page.locator('.copy-page-viewer .page img'));
  return code;
};

/** A pen stroke drawn with the mouse across the page; resolves once its SVG path is on the page. */
export const drawStroke = async (page: Page, from: [number, number], to: [number, number]): Promise<void> => {
  const ws = workspace(page);
  const before = await ws.annotations('pen').count();
  const box = (await ws.layer.boundingBox())!;
  const at = (x: number, y: number): [number, number] => [box.x + x * box.width, box.y + y * box.height];
  const viewport = page.viewportSize()!;
  for (const [x, y] of [at(...from), at(...to)])
    if (x < 0 || y < 0 || x > viewport.width || y > viewport.height)
      throw new Error(`the stroke leaves the visible part of the page (${x}, ${y})`);
  await page.mouse.move(...at(...from));
  await page.mouse.down();
  const steps = 16;
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    // A slight arc, as a hand underlines.
    await page.mouse.move(...at(from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t + Math.sin(Math.PI * t) * 0.02));
  }
  await page.mouse.up();
  await ws.annotations('pen').nth(before).locator('path').waitFor();
};

/** A text comment: the comment tool (T), a click where it goes, the text, Enter. */
export const addComment = async (page: Page, at: [number, number], text: string): Promise<void> => {
  const ws = workspace(page);
  await page.keyboard.press('t');
  const box = (await ws.layer.boundingBox())!;
  await page.mouse.click(box.x + at[0] * box.width, box.y + at[1] * box.height);
  const editor = ws.root.getByRole('textbox', { name: 'Commentaire sur la copie' });
  await editor.waitFor();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await ws
    .annotations('comment')
    .filter({ hasText: text.slice(0, 12) })
    .waitFor();
  await page.keyboard.press('p');
};

/** Q puts the keyboard on the first question without a score; each mark is typed and Enter moves on. */
export const scoreByKeyboard = async (page: Page, marks: readonly string[]): Promise<void> => {
  await page.keyboard.press('q');
  for (const mark of marks) {
    await page.keyboard.type(mark);
    await page.keyboard.press('Enter');
  }
};

export const waitSaved = async (page: Page): Promise<void> => {
  await workspace(page).saveStatus.and(page.locator('[data-status="saved"]')).filter({ hasText: 'Enregistré' }).waitFor();
};

/** Finalises once everything is saved; resolves on the read-only "Copie corrigée" line. */
export const finalise = async (page: Page): Promise<string> => {
  await waitSaved(page);
  await page.getByRole('button', { name: 'Finaliser la copie' }).click();
  await page.getByRole('button', { name: /^Confirmer : / }).click();
  const line = workspace(page).root.locator('.finalised-line');
  await line.waitFor();
  return (await line.textContent()) ?? '';
};
