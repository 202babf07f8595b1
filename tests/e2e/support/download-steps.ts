import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Locator, Page } from 'playwright-core';
import { pageTexts } from '../../../apps/api/src/corrected-copies/pdf/inspect-pdf.fixtures.js';
import { openExamTab } from './admin-steps.js';
import { screenshot } from './browser.js';

/**
 * What leaves Korrigo as files (issue 6), downloaded through the portal's own buttons the way a
 * browser saves them: corrected-copy PDFs, the class ZIP, the grade exports.
 */

export type Downloaded = { name: string; bytes: Buffer };

/** Where the downloaded files are kept next to the screenshots, to be opened by a person after a run. */
export const DOWNLOADS_DIR = path.resolve('tests/artifacts/downloads');

/** Clicks and reads the file the browser saved (a copy stays under DOWNLOADS_DIR). */
export const download = async (page: Page, button: Locator): Promise<Downloaded> => {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const saved = await file.path();
  const name = file.suggestedFilename();
  await mkdir(DOWNLOADS_DIR, { recursive: true });
  await copyFile(saved, path.join(DOWNLOADS_DIR, name));
  return { name, bytes: await readFile(saved) };
};

export const isPdf = (bytes: Buffer): boolean => bytes.subarray(0, 5).toString('latin1') === '%PDF-';
export const isZip = (bytes: Buffer): boolean => bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
export const unzip = (bytes: Buffer): Record<string, Uint8Array> => unzipSync(new Uint8Array(bytes));
/** A PDF's text as pdf.js extracts it, every page. */
export const pdfText = async (bytes: Buffer): Promise<string> => (await pageTexts(new Uint8Array(bytes))).join('\n');

/**
 * The exam's copies screen once every corrected PDF is built (it asks again while one is "en
 * préparation"), then the class ZIP through its button.
 */
export const classArchive = async (page: Page, examId: string, copies: number): Promise<Downloaded> => {
  await openExamTab(page, examId, 'Copies');
  await page
    .locator('[data-pdf-download]')
    .nth(copies - 1)
    .waitFor();
  await page.locator('[data-pdf-pending]').waitFor({ state: 'detached' });
  await page
    .locator('[data-archive-status]')
    .filter({ hasText: `${copies} copies corrigées prêtes sur ${copies}` })
    .waitFor();
  await screenshot(page, '23-admin-corrected-copies');
  return download(page, page.getByRole('link', { name: 'Télécharger toutes les copies (ZIP)' }));
};

export type ExportFormat = 'Pronote (import des notes)' | 'CSV détaillé (une colonne par question)' | 'Excel (une colonne par question)';

/** "Exporter les notes" on the exam's overview: a format, then Télécharger. */
export const exportGrades = async (page: Page, examId: string, format: ExportFormat, shot?: string): Promise<Downloaded> => {
  await openExamTab(page, examId, 'Vue d’ensemble');
  const panel = page.getByRole('region', { name: 'Exporter les notes' });
  await panel.getByRole('radio', { name: format }).check();
  await panel.scrollIntoViewIfNeeded();
  if (shot) await screenshot(page, shot);
  const file = await download(page, panel.getByRole('button', { name: 'Télécharger' }));
  await page.getByText(`Fichier téléchargé : ${file.name}`).waitFor();
  return file;
};
