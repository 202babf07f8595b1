import type { Page } from 'playwright-core';
import { openExamTab } from './admin-steps.js';
import { screenshot } from './browser.js';

/** What the exam office does once correction runs: the lock board, publication, students' access slips, the audit. */

/** Takes a copy back from its corrector on the lock board, with the reason they will read. */
export const forceRelease = async (page: Page, code: string, holder: string, reason: string): Promise<void> => {
  await page.getByRole('link', { name: 'Verrous', exact: true }).click();
  const release = page.getByRole('button', { name: `Libérer la copie ${code} tenue par ${holder}` });
  await release.waitFor();
  await page.getByText('En direct').waitFor();
  await screenshot(page, '17-admin-lock-board');
  await release.click();
  const dialog = page.getByRole('dialog', { name: 'Libérer une copie' });
  await dialog.getByLabel(/^\s*Motif/).fill(reason);
  await screenshot(page, '18-admin-force-release-dialog');
  await dialog.getByRole('button', { name: 'Libérer', exact: true }).click();
  await page.getByText('Aucune copie n’est verrouillée en ce moment.').waitFor();
};

export const publishResults = async (page: Page, examId: string): Promise<void> => {
  await openExamTab(page, examId, 'Vue d’ensemble');
  await page.getByText('Toutes les copies sont identifiées et corrigées').waitFor();
  await page.getByRole('button', { name: 'Publier les résultats' }).click();
  await page.getByRole('dialog', { name: 'Publier les résultats' }).getByRole('button', { name: 'Publier les résultats' }).click();
  await page.getByRole('button', { name: 'Retirer les résultats' }).waitFor();
  await screenshot(page, '24-admin-exam-published');
  await page.getByRole('link', { name: 'Examens', exact: true }).click();
  await page.getByRole('row', { name: /Publiés/ }).waitFor();
  await screenshot(page, '25-admin-exams-list');
};

/** Issues one student's one-time access code from the students screen; returns what the slip says. */
export const issueAccessSlip = async (
  page: Page,
  student: { lastName: string; firstName: string; login: string },
): Promise<{ login: string; code: string }> => {
  await page.getByRole('link', { name: 'Élèves', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Rechercher (nom, INE, e-mail)' }).fill(student.lastName);
  // The row by the login it shows: a class can have two pupils of the same name.
  const row = page.getByRole('row').filter({ hasText: student.login });
  await row.getByRole('checkbox', { name: `Sélectionner ${student.lastName} ${student.firstName}` }).check();
  await page.getByRole('button', { name: 'Codes d’accès pour la sélection' }).click();
  await page.getByRole('dialog', { name: 'Codes d’accès' }).getByRole('button', { name: 'Créer les codes' }).click();
  const slip = page.locator('.slip').filter({ hasText: student.login });
  await slip.waitFor();
  await screenshot(page, '27-admin-access-slip');
  const [login, code] = await slip.locator('dd').allTextContents();
  return { login: login!.trim(), code: code!.trim() };
};

/** The copy's audit page, reached from the audit screen's list of the exam's copies. */
export const openCopyAudit = async (page: Page, code: string): Promise<void> => {
  await page.getByRole('link', { name: 'Audit', exact: true }).click();
  const row = page.getByRole('row', { name: new RegExp(code) });
  await row.waitFor();
  await screenshot(page, '32-admin-audit-copies');
  await row.getByRole('link', { name: 'Historique' }).click();
  await page.getByRole('slider', { name: 'État de la copie à la révision choisie' }).waitFor();
};

/** Annotations drawn on the audit page's frames at the revision shown. */
export const auditAnnotationCount = (page: Page): Promise<number> => page.locator('figure.page-frame svg > g:not(.ruling)').count();

/**
 * Moves the audit slider with the keyboard and resolves once the copy is redrawn as it stood at
 * `revision` (the page fetches only the revision the slider rests on, then draws it).
 */
export const slideAuditTo = async (page: Page, keys: readonly string[], revision: string): Promise<void> => {
  const redrawn = page.waitForResponse((response) => {
    const body = response.request().postData() ?? '';
    if (!response.url().endsWith('/api/graphql') || !body.includes('copyAt')) return false;
    return String((JSON.parse(body) as { variables?: { revision?: unknown } }).variables?.revision) === revision;
  });
  const slider = page.getByRole('slider', { name: 'État de la copie à la révision choisie' });
  await slider.focus();
  for (const key of keys) await page.keyboard.press(key);
  await redrawn;
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
};
