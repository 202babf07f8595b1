import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { type ApiClient, type ApiHarness, ADMIN, startApi } from '../support/api-harness.js';
import { IMPORT_COPIES, assignCopy, awardScore, createExam, finalizeCopy, lockCopy } from '../support/copy-fixtures.js';
import { adminCorrectedPdf, pageImage, readyCorrectedPdf } from '../support/file-fixtures.js';
import { NEW_PASSWORD, ok, signedInStaff } from '../support/school-fixtures.js';
import { copyDetail, copyEventTypes } from './support/api-state.js';
import { imageLoaded, launchBrowser, newContext, screenshot, signIn } from './support/browser.js';
import { assertPortalBuilt } from './support/portal-build.js';
import { finalise, workspace } from './support/teacher-steps.js';

/*
 * Fixing a marking mistake through the real portal: the exam office reopens a finalised copy from the
 * exam's copies table with a reason, the corrector changes a score and finalises it again, and the
 * corrected PDF is rebuilt. The copy is set up through the API (the whole import is the school
 * scenario's job); then the Système page shows the store and the projections.
 */

const REASON = 'Erreur de report sur l’exercice 2';
const TEACHER_EMAIL = 'morvan@lycee.test';
let api: ApiHarness;
let admin: ApiClient;
let browser: Browser;
let office: Page;
let teacher: Page;
const copy = { id: '', code: '', examId: '', firstPdf: '' };

beforeAll(async () => {
  await assertPortalBuilt();
  [api, browser] = await Promise.all([startApi({ portal: true }), launchBrowser()]);
  admin = await api.admin();
  const corrector = await signedInStaff(api, admin, 'TEACHER', TEACHER_EMAIL);
  copy.examId = await createExam(api, [corrector.userId]);
  const key = async (image: Buffer) => (await api.runtime.blobs.put(image)).key;
  const pages = await Promise.all(
    [1, 2].map(async (number) => ({
      pageId: randomUUID(),
      number,
      imageBlobKey: await key(await pageImage(number, true)),
      maskedImageBlobKey: await key(await pageImage(number, false)),
    })),
  );
  const { importCopies } = ok(
    await admin.graphql<{ importCopies: { copyId: string; anonymousCode: string }[] }>(IMPORT_COPIES, {
      examId: copy.examId,
      scanId: randomUUID(),
      copies: [{ pages }],
    }),
  );
  [copy.id, copy.code] = [importCopies[0]!.copyId, importCopies[0]!.anonymousCode];
  await assignCopy(api, copy.id, corrector.userId);
  ok(await lockCopy(corrector.client, copy.id));
  for (const [question, points] of [
    ['q1a', 3],
    ['q1b', 4.5],
    ['q2', 6],
  ] as const)
    ok(await awardScore(corrector.client, copy.id, question, points));
  ok(await finalizeCopy(corrector.client, copy.id));
  copy.firstPdf = (await readyCorrectedPdf(admin, copy.id)).sha256!;
  for (const role of ['office', 'teacher'] as const) {
    const context = await newContext(browser, api.base);
    context.setDefaultTimeout(30_000);
    if (role === 'office') office = await context.newPage();
    else teacher = await context.newPage();
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('a marking mistake fixed after finalisation', () => {
  it('the exam office reopens the finalised copy from the copies table, with a reason', async () => {
    await signIn(office, 'admin', ADMIN.email, ADMIN.password);
    await office.goto(`/admin/examens/${copy.examId}/copies`);
    const row = office.getByRole('row', { name: new RegExp(copy.code) });
    await row.getByText('Corrigée', { exact: true }).waitFor();
    await row.getByLabel(`Actions sur la copie ${copy.code}`).click();
    await office.getByRole('button', { name: 'Rouvrir la copie' }).click();
    const dialog = office.getByRole('dialog', { name: `Rouvrir la copie ${copy.code}` });
    await dialog.getByRole('button', { name: 'Rouvrir la copie' }).click();
    await dialog.getByText('Indiquez le motif de la réouverture.').waitFor();
    await dialog.getByLabel(/^\s*Motif de la réouverture/).fill(REASON);
    await screenshot(office, '40-admin-reopen-dialog');
    await dialog.getByRole('button', { name: 'Rouvrir la copie' }).click();
    await office.getByText(`Copie ${copy.code} rouverte : elle est de nouveau en correction.`).waitFor();
    await row.getByText('En correction', { exact: true }).waitFor();
    // The keyboard is back on the row's menu, not lost on the page.
    expect(await office.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(`Actions sur la copie ${copy.code}`);
    await screenshot(office, '41-admin-copy-reopened');
    const notice = office.getByText(`Copie ${copy.code} rouverte`);
    await office.locator('.notice').filter({ has: notice }).getByRole('button', { name: 'Fermer' }).click();
    await notice.waitFor({ state: 'detached' });
    // With the exam's only corrector holding it, reassigning is explained as impossible, not offered.
    await row.getByLabel(`Actions sur la copie ${copy.code}`).click();
    await office.getByRole('button', { name: 'Réattribuer' }).click();
    const reassign = office.getByRole('dialog', { name: `Réattribuer la copie ${copy.code}` });
    await reassign.getByText('Aucun autre correcteur actif pour cet examen').waitFor();
    await screenshot(office, '44-admin-reassign-dialog');
    await reassign.getByRole('button', { name: 'Fermer' }).last().click();
    await row.getByLabel(`Actions sur la copie ${copy.code}`).click();
    await office.getByRole('button', { name: 'Signaler un problème' }).click();
    const flag = office.getByRole('dialog', { name: `Signaler la copie ${copy.code}` });
    await flag.getByLabel(/^\s*Problème/).selectOption({ label: 'Pages manquantes' });
    await flag.getByLabel(/^\s*Précisions/).fill('Page 3 absente du scan');
    await screenshot(office, '45-admin-flag-dialog');
    await flag.getByRole('button', { name: 'Signaler', exact: true }).click();
    await row.getByText('Signalée', { exact: true }).waitFor();
    const flagged = office.getByText(`Copie ${copy.code} signalée : Pages manquantes.`);
    await office.locator('.notice').filter({ has: flagged }).getByRole('button', { name: 'Fermer' }).click();
    expect(await copyDetail(admin, copy.id)).toMatchObject({ status: 'IN_PROGRESS', lock: null });
    expect(await copyEventTypes(admin, copy.id)).toEqual(expect.arrayContaining(['CopyReopened', 'CopyFlagged']));
    expect(await adminCorrectedPdf(admin, copy.id)).toBeNull();
  }, 60_000);

  it('the corrector takes the copy again, corrects the mark and finalises it once more; the PDF is rebuilt', async () => {
    await signIn(teacher, 'correcteur', TEACHER_EMAIL, NEW_PASSWORD);
    await teacher.getByRole('link', { name: 'Bac blanc de mathématiques' }).click();
    await teacher.locator('a[data-copy-link]').filter({ hasText: copy.code }).click();
    await workspace(teacher).banner.and(teacher.locator('[data-status="held"]')).waitFor();
    await imageLoaded(teacher, teacher.locator('.copy-page-viewer .page img').first());
    const q2 = teacher.locator('[data-score-input="q2"]');
    expect(await q2.inputValue()).toBe('6');
    await q2.fill('8');
    await q2.press('Enter');
    expect(await finalise(teacher)).toContain('Copie corrigée : 15,5 / 20');
    await screenshot(teacher, '42-teacher-copy-refinalised');
    expect(await copyDetail(admin, copy.id)).toMatchObject({ status: 'FINALISED', total: 15.5, lock: null });
    const rebuilt = await readyCorrectedPdf(admin, copy.id, copy.firstPdf);
    expect(rebuilt.sha256).not.toBe(copy.firstPdf);
  }, 90_000);

  it('the Système page shows the event store and each projection caught up', async () => {
    await office.getByRole('link', { name: 'Système', exact: true }).click();
    await office.getByRole('heading', { name: 'État du système' }).waitFor();
    expect(await office.locator('[data-store-kind]').textContent()).toBe('PostgreSQL (intégré)');
    expect(await office.locator('[data-reachable]').textContent()).toBe('Joignable');
    const copies = office.locator('tr[data-projection="copies"]');
    await copies.locator('[data-state]').filter({ hasText: 'À jour' }).waitFor();
    expect(await office.locator('tr[data-projection]').count()).toBeGreaterThan(3);
    await screenshot(office, '43-admin-system');
  }, 60_000);
});
