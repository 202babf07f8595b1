import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FakeOpenAi } from '../support/fake-openai.js';
import { type ApiClient, type ApiHarness, ADMIN, startApi } from '../support/api-harness.js';
import { type ClassScan, generateClassScan } from '../fixtures/class-scan.js';
import { assignCorrector, createExam, createTeacher, defineScale, importRoster } from './support/admin-steps.js';
import {
  auditAnnotationCount,
  forceRelease,
  issueAccessSlip,
  openCopyAudit,
  publishResults,
  slideAuditTo,
} from './support/admin-oversight.js';
import {
  type CopyRow,
  classStudents,
  copyDetail,
  copyEventTypes,
  copyHistory,
  examCopies,
  examState,
  staffUser,
} from './support/api-state.js';
import { imageLoaded, launchBrowser, newContext, screenshot, signIn } from './support/browser.js';
import { assertPortalBuilt } from './support/portal-build.js';
import { AI, EXAM, MARKS, REASON, SCALE, TEACHER, rosterWithWrongBirthDates, shown } from './support/scenario-data.js';
import { ok } from '../support/school-fixtures.js';
import {
  acceptByKeyboard,
  aiStats,
  askSuggestions,
  editByKeyboard,
  pointApiAt,
  startModel,
  suggestionFor,
  writeAnswerKey,
} from './support/ai-steps.js';
import { DOWNLOADS_DIR, classArchive, download, exportGrades, isPdf, isZip, pdfText, unzip } from './support/download-steps.js';
import { confirmDeskByKeyboard, dispatchCopies, reviewSplit, uploadClassScan } from './support/scan-steps.js';
import {
  addComment,
  choosePassword,
  drawStroke,
  finalise,
  openCopyFromLot,
  scoreByKeyboard,
  waitSaved,
  workspace,
} from './support/teacher-steps.js';

/*
 * A mock exam through the real portal (issue 5; DESIGN §10: browser tests through the real UI).
 * Debian's Chromium drives the built portal served by the real API on a throwaway embedded
 * PostgreSQL: roster import, exam and grading scale, teacher account, scan import with OCR, the
 * identification desk, dispatch, correction with a force-release in the middle, publication, the
 * student's annotated copy and the audit slider. Each step checks the screen, then the read models.
 * Issue 6 on the way: AI suggestions from a local OpenAI-compatible server reviewed by keyboard, the
 * corrected PDFs and the class ZIP, the student's PDF, and the Pronote and Excel grade exports.
 */

let api: ApiHarness;
let admin: ApiClient;
let browser: Browser;
let office: Page;
let teacher: Page;
let scan: ClassScan;
let roster: ReturnType<typeof rosterWithWrongBirthDates>;
let dataDir: string;
let model: FakeOpenAi;
let restoreEnv: () => void = () => undefined;
const previousDataDir = process.env.DATA_DIR;
const state = { examId: '', temporaryPassword: '', teacherId: '', code: '', copy: null as CopyRow | null };

const contextPage = async (): Promise<Page> => {
  const context = await newContext(browser, api.base);
  context.setDefaultTimeout(30_000);
  return context.newPage();
};

beforeAll(async () => {
  await assertPortalBuilt();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-e2e-'));
  process.env.DATA_DIR = dataDir;
  await rm(DOWNLOADS_DIR, { recursive: true, force: true }); // this run's files only
  model = await startModel(AI.suggested);
  restoreEnv = pointApiAt(model);
  [api, browser, scan] = await Promise.all([
    startApi({ portal: true }),
    launchBrowser(),
    generateClassScan({ seed: 7, style: 'printed', copies: 4, pagesPerCopy: 2, dpi: 150 }),
  ]);
  // Two of the four students have a wrong birth date in the school's file: their copies go to the desk.
  roster = rosterWithWrongBirthDates(scan, [1, 3]);
  admin = await api.admin();
  office = await contextPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await model?.stop();
  restoreEnv();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (previousDataDir === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = previousDataDir;
});

describe('a mock exam through the portal, from the roster to the student’s annotated copy', () => {
  it('the exam office signs in and imports the class roster through the import screen', async () => {
    await office.goto('/');
    await office.getByRole('heading', { name: 'Bienvenue sur Korrigo' }).waitFor();
    await screenshot(office, '00-home');
    await signIn(office, 'admin', ADMIN.email, ADMIN.password, '01-admin-sign-in');
    await importRoster(office, roster.csv);
    await office.getByText(`Import terminé : ${scan.roster.length} créés`).waitFor();
    expect(await classStudents(admin, scan.roster[0]!.className)).toHaveLength(scan.roster.length);
  }, 60_000);

  it('creates the exam for the class and types its grading scale in the editor', async () => {
    state.examId = await createExam(office, { ...EXAM, className: scan.roster[0]!.className });
    await defineScale(office, SCALE);
    expect(await office.getByTestId('scale-total').textContent()).toContain('20 pts');
    expect(await examState(admin, state.examId)).toMatchObject({ scaleVersion: 1, maxPoints: 20, classNames: [scan.roster[0]!.className] });
  }, 60_000);

  it('writes the answer key the AI suggestions will be given, on the exam’s page', async () => {
    await writeAnswerKey(office, state.examId, AI.answerKey);
    const { examAnswerKey } = ok(
      await admin.graphql<{ examAnswerKey: { text: string } }>(`query($e: ID!) { examAnswerKey(examId: $e) { text } }`, {
        e: state.examId,
      }),
    );
    expect(examAnswerKey.text).toBe(AI.answerKey);
  }, 60_000);

  it('creates the teacher’s account and makes them the exam’s corrector', async () => {
    state.temporaryPassword = await createTeacher(office, TEACHER.name, TEACHER.email);
    expect(state.temporaryPassword.length).toBeGreaterThanOrEqual(12);
    const account = await staffUser(admin, TEACHER.email);
    expect(account).toMatchObject({ role: 'teacher', mustChangePassword: true });
    state.teacherId = account!.userId;
    await assignCorrector(office, state.examId, TEACHER.name);
    expect((await examState(admin, state.examId)).correctors).toEqual([expect.objectContaining({ userId: state.teacherId })]);
  }, 60_000);

  it('uploads the class scan and follows the import live to the end', async () => {
    const imported = await uploadClassScan(office, state.examId, scan.pdf, scan.truth.pagesPerCopy);
    expect(imported.sawProgress).toBe(true);
    expect(imported.outcome).toContain('Terminé');
    expect(imported.outcome).toContain(`${scan.truth.copies.length} copies`);
    expect(await examCopies(admin, state.examId)).toHaveLength(scan.truth.copies.length);
    expect(await reviewSplit(office)).toBe(scan.truth.copies.length);
  }, 180_000);

  it('confirms the copies left at the identification desk with the keyboard, every one to the right student', async () => {
    const confirmed = await confirmDeskByKeyboard(office, state.examId, roster.studentOf);
    // The two students whose roster birth date is wrong cannot be identified automatically.
    expect(confirmed).toBeGreaterThanOrEqual(2);
    const copies = await examCopies(admin, state.examId);
    expect(copies.filter((copy) => copy.identificationMethod === 'manual')).toHaveLength(confirmed);
    const students = await classStudents(admin, scan.roster[0]!.className);
    for (const copy of copies) {
      const firstPage = Math.min(...(await copyDetail(admin, copy.copyId)).pages.map((page) => page.number));
      const expected = roster.studentOf(firstPage);
      const studentId = students.find(
        (s) => s.lastName === expected.lastName && s.firstName === expected.firstName && s.birthDate === expected.birthDate,
      )!.studentId;
      expect(copy.student?.studentId).toBe(studentId);
    }
  }, 60_000);

  it('dispatches the copies to the corrector', async () => {
    expect(await dispatchCopies(office, state.examId)).toContain(`${scan.truth.copies.length} copies attribuées`);
    const copies = await examCopies(admin, state.examId);
    expect(copies.map((copy) => [copy.status, copy.correctorId])).toEqual(copies.map(() => ['ASSIGNED', state.teacherId]));
  }, 60_000);

  it('the teacher signs in with the temporary password, chooses their own, and opens a copy from the lot', async () => {
    teacher = await contextPage();
    await signIn(teacher, 'correcteur', TEACHER.email, state.temporaryPassword);
    await choosePassword(teacher, state.temporaryPassword, TEACHER.password, '14-teacher-change-password');
    expect(new URL(teacher.url()).pathname).toBe('/correcteur');
    state.code = await openCopyFromLot(teacher, EXAM.title);
    state.copy = (await examCopies(admin, state.examId)).find((copy) => copy.anonymousCode === state.code)!;
    expect((await copyDetail(admin, state.copy.copyId)).lock).toEqual({ holderId: state.teacherId });
  }, 60_000);

  it('draws a pen stroke with the mouse and writes a comment on the page, both saved at once', async () => {
    await drawStroke(teacher, [0.2, 0.4], [0.6, 0.42]);
    await addComment(teacher, [0.5, 0.3], 'Unité manquante');
    await waitSaved(teacher);
    await screenshot(teacher, '16-teacher-workspace-annotated');
    const { annotations } = await copyDetail(admin, state.copy!.copyId);
    expect(annotations.map((a) => a.kind).sort()).toEqual(['COMMENT', 'PEN']);
    expect(annotations.find((a) => a.kind === 'PEN')!.points!.length).toBeGreaterThan(5);
    expect(annotations.find((a) => a.kind === 'COMMENT')!.text).toBe('Unité manquante');
  }, 60_000);

  it('scores by keyboard until the exam office force-releases the copy; the workspace turns read-only with the reason', async () => {
    await scoreByKeyboard(teacher, MARKS.first.slice(0, 2));
    await waitSaved(teacher);
    expect((await copyDetail(admin, state.copy!.copyId)).scores).toHaveLength(2);
    await forceRelease(office, state.code, TEACHER.name, REASON);
    const ws = workspace(teacher);
    await ws.banner.and(teacher.locator('[data-status="released"]')).filter({ hasText: REASON }).waitFor();
    expect(await ws.root.getAttribute('data-read-only')).toBe('true');
    expect(await teacher.locator('[data-score-input]').last().getAttribute('readonly')).not.toBeNull();
    await screenshot(teacher, '19-teacher-workspace-released');
    expect((await copyDetail(admin, state.copy!.copyId)).lock).toBeNull();
    expect(await copyEventTypes(admin, state.copy!.copyId)).toContain('LockForceReleased');
  }, 60_000);

  it('takes the copy back and scores the remaining questions from the AI suggestions: one accepted with A, one edited with M', async () => {
    const ws = workspace(teacher);
    await teacher.getByRole('button', { name: 'Reprendre la main' }).click();
    await ws.banner.and(teacher.locator('[data-status="held"]')).waitFor();
    const panel = await askSuggestions(teacher);
    expect(await panel.locator('li[data-ai-question]').count()).toBe(AI.suggested.length);
    expect(await suggestionFor(teacher, AI.accept).textContent()).toContain(`${MARKS.first[2]} pts suggérés`);
    // What the model was sent: the answer key and the pages, never the student's name.
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.raw).toContain(AI.answerKey);
    expect(model.calls[0]!.raw).not.toContain(state.copy!.student!.lastName);
    await acceptByKeyboard(teacher, AI.accept);
    await editByKeyboard(teacher, AI.edit.label, AI.edit.points);
    await suggestionFor(teacher, AI.accept).evaluate((item) => item.scrollIntoView({ block: 'start' }));
    await screenshot(teacher, '20-teacher-ai-suggestions');
    expect(
      await teacher
        .locator('[data-score-input]')
        .evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value)),
    ).toEqual(MARKS.first);
    await waitSaved(teacher);
    const reviewed = (await copyDetail(admin, state.copy!.copyId)).scores.map((score) => score.points);
    expect(reviewed.sort((a, b) => a - b)).toEqual(MARKS.first.map((mark) => Number(mark.replace(',', '.'))).sort((a, b) => a - b));
    expect(await copyEventTypes(admin, state.copy!.copyId)).toEqual(
      expect.arrayContaining(['AiSuggestionRequested', 'AiSuggestionReviewed']),
    );
  }, 60_000);

  it('finalises the copy; its anonymous corrected PDF is soon ready to download in the workspace', async () => {
    expect(await finalise(teacher)).toContain(`Copie corrigée : ${shown(MARKS.first)} / 20`);
    const link = teacher.getByRole('link', { name: `Télécharger la copie corrigée ${state.code} (PDF)` });
    await link.waitFor();
    expect(await teacher.locator('[data-pdf-pending]').count()).toBe(0);
    await screenshot(teacher, '21-teacher-workspace-finalised');
    const pdf = await download(teacher, link);
    expect(isPdf(pdf.bytes)).toBe(true);
    const text = await pdfText(pdf.bytes);
    expect(text).toContain(`Copie n° ${state.code}`);
    expect(text).toContain(`${shown(MARKS.first)} / 20`);
    expect(text).not.toContain(state.copy!.student!.lastName.toLocaleUpperCase('fr-FR'));
    expect(await copyDetail(admin, state.copy!.copyId)).toMatchObject({ status: 'FINALISED', total: MARKS.firstTotal, lock: null });
    expect((await copyEventTypes(admin, state.copy!.copyId)).filter((type) => type === 'CopyLocked')).toHaveLength(2);
  }, 60_000);

  it('corrects the rest of the lot copy after copy, by keyboard', async () => {
    for (let left = scan.truth.copies.length - 1; left > 0; left--) {
      await teacher.getByRole('button', { name: 'Copie suivante →' }).click();
      await workspace(teacher).banner.and(teacher.locator('[data-status="held"]')).waitFor();
      await scoreByKeyboard(teacher, MARKS.others);
      expect(await finalise(teacher)).toContain(`Copie corrigée : ${shown(MARKS.others)} / 20`);
    }
    expect((await examState(admin, state.examId)).progress).toMatchObject({ copies: 4, finalised: 4 });
  }, 90_000);

  it('the exam’s overview shows how the AI suggestions were used: one accepted, one edited, 1 point off on 4 questions', async () => {
    const figures = await aiStats(office, state.examId);
    expect(figures).toMatchObject({
      Demandes: '1',
      Produites: '1',
      'En échec': '0',
      'Taux d’acceptation': '50 %',
      'Écart moyen suggéré / note finale': '0,25 pt sur 4 questions',
    });
  }, 60_000);

  it('every corrected PDF is built; the exam office downloads the class ZIP, one PDF per student', async () => {
    const archive = await classArchive(office, state.examId, scan.truth.copies.length);
    expect(isZip(archive.bytes)).toBe(true);
    const entries = unzip(archive.bytes);
    const copies = await examCopies(admin, state.examId);
    const expected = copies.map(({ student, anonymousCode }) =>
      `${scan.roster[0]!.className}_${student!.lastName.toLocaleUpperCase('fr-FR')}_${student!.firstName}_${anonymousCode}.pdf`.replace(
        /\s+/g,
        '_',
      ),
    );
    expect(Object.keys(entries).sort()).toEqual(expected.sort());
    for (const bytes of Object.values(entries)) expect(isPdf(Buffer.from(bytes))).toBe(true);
    expect(await pdfText(Buffer.from(entries[expected.find((name) => name.endsWith(`_${state.code}.pdf`))!]!))).toContain(
      `${shown(MARKS.first)} / 20`,
    );
  }, 60_000);

  it('the exam office publishes the results', async () => {
    await publishResults(office, state.examId);
    expect((await examState(admin, state.examId)).published).toBe(true);
  }, 60_000);

  it('the exam office exports the marks for Pronote (BOM, semicolons, CRLF, decimal comma) and as an Excel workbook', async () => {
    const pronote = await exportGrades(office, state.examId, 'Pronote (import des notes)', '26-admin-grade-export');
    expect(pronote.name).toMatch(/\.csv$/);
    const text = pronote.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFNOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE\r\n')).toBe(true);
    const { lastName, firstName, birthDate } = (await classStudents(admin, scan.roster[0]!.className)).find(
      (s) => s.studentId === state.copy!.student!.studentId,
    )!;
    const [year, month, day] = birthDate.split('-');
    expect(text.split('\r\n')).toContain(`${lastName};${firstName};${day}/${month}/${year};${EXAM.subject};${shown(MARKS.first)};1;`);
    const workbook = await exportGrades(office, state.examId, 'Excel (une colonne par question)');
    expect(workbook.name).toMatch(/\.xlsx$/);
    expect(isZip(workbook.bytes)).toBe(true);
    expect(Object.keys(unzip(workbook.bytes))).toContain('xl/worksheets/sheet1.xml');
  }, 60_000);

  it('the student signs in with the access code from the students screen, and reads the annotated copy with the scores', async () => {
    const { login } = (await classStudents(admin, scan.roster[0]!.className)).find((s) => s.studentId === state.copy!.student!.studentId)!;
    const slip = await issueAccessSlip(office, { ...state.copy!.student!, login });
    expect(slip.code).toMatch(/\S{8,}/);
    const student = await contextPage();
    await signIn(student, 'eleve', slip.login, slip.code, '28-student-sign-in');
    await choosePassword(student, null, 'Mon-Mot-de-Passe-2025', '29-student-change-password');
    const row = student.getByRole('row', { name: new RegExp(EXAM.title) });
    await row.waitFor();
    expect(await row.textContent()).toContain(`${shown(MARKS.first)} / 20`);
    await screenshot(student, '30-student-results');
    await row.getByRole('link', { name: 'Voir ma copie' }).click();
    await imageLoaded(student, student.locator('.copy-page-viewer .page img'));
    const stroke = student.locator('.copy-annotation-layer g.copy-annotation[data-kind="pen"] path');
    await stroke.waitFor();
    expect(await stroke.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+(?:[LQC][\d. ]+){3,}/);
    await student.locator('g.copy-annotation[data-kind="comment"]').filter({ hasText: 'Unité manquante' }).waitFor();
    expect(await student.locator('[data-mark]').textContent()).toContain(`${shown(MARKS.first)} / 20`);
    expect(await student.locator('[data-points]').allTextContents()).toEqual(MARKS.firstShown);
    await screenshot(student, '31-student-annotated-copy');
    // The named corrected copy, as the student keeps it.
    const pdf = await download(student, student.getByRole('link', { name: 'Télécharger la copie corrigée (PDF)' }));
    expect(pdf.name).toMatch(/\.pdf$/);
    expect(isPdf(pdf.bytes)).toBe(true);
    const text = await pdfText(pdf.bytes);
    expect(text).toContain(`${state.copy!.student!.lastName.toLocaleUpperCase('fr-FR')} ${state.copy!.student!.firstName}`);
    // The mark as the results page shows it, on the PDF's summary page.
    const mark = ((await student.locator('[data-mark] strong').textContent()) ?? '').trim();
    expect(mark).toBe(`${shown(MARKS.first)} / 20`);
    expect(text).toContain(mark);
  }, 60_000);

  it('the exam office replays the copy in the audit timeline: the slider redraws it as it was', async () => {
    const history = await copyHistory(admin, state.copy!.copyId);
    const firstStroke = history.findIndex((entry) => entry.type === 'AnnotationAdded');
    expect(firstStroke).toBeGreaterThan(0);
    await openCopyAudit(office, state.code);
    await office.locator('figure.page-frame svg > g:not(.ruling)').nth(1).waitFor();
    await screenshot(office, '33-admin-audit-latest');
    await slideAuditTo(office, ['Home'], history[0]!.revision);
    expect(await auditAnnotationCount(office)).toBe(0);
    // Forward, one event at a time, to the pen stroke: it is back on the page, the comment not yet.
    await slideAuditTo(office, Array<string>(firstStroke).fill('ArrowRight'), history[firstStroke]!.revision);
    expect(await auditAnnotationCount(office)).toBe(1);
    expect(await office.locator('figure.page-frame polyline').count()).toBe(1);
    await screenshot(office, '34-admin-audit-earlier');
  }, 60_000);
});
