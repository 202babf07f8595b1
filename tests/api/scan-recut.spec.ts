import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { copyDecider, copyStreamId, planRecut } from '#domain';
import { PageTransfers } from '../../apps/api/src/copies/split-correction/page-transfers.js';
import { RecutPlanner, recutTransferId } from '../../apps/api/src/copies/split-correction/recut-planner.js';
import { executeCommand } from '../../apps/api/src/shared/execute-command.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { adminActor, lockCopy } from '../support/copy-fixtures.js';
import { errorCode, importRoster, ok, signedInStaff } from '../support/school-fixtures.js';
import { createExamFor, uploadScan, waitForScans } from '../support/scan-upload.js';
import { type ClassScan, generateClassScan } from '../fixtures/class-scan.js';

/*
 * "Re-cut from page N" on a real class scan: six students, two pages each, the scanner skipped the
 * second page of the third, so the fixed cut shifts every copy after it. The real upload, render
 * workers, OCR and matcher make the copies; the re-cut must give every student's pages back to one
 * copy, keep the page count, flag the short copy, and survive a crash half way.
 */

type DeskPage = { pageId: string; number: number };
type DeskCopy = {
  copyId: string;
  anonymousCode: string;
  scanId: string;
  engine: string | null;
  flags: { reason: string; note: string | null }[];
  pages: DeskPage[];
  student: { studentId: string } | null;
  candidates: { student: { id: string } }[];
};
type Summary = { scanId: string; fromPage: number; pagesPerCopy: number; changedCopyIds: string[]; created: number; discarded: number };

const SUMMARY = 'scanId fromPage pagesPerCopy changedCopyIds created discarded';
const RECUT = `mutation($s: ID!, $n: Int!, $p: Int) { recutScan(scanId: $s, fromPage: $n, pagesPerCopy: $p) { ${SUMMARY} } }`;
const PREVIEW = `query($s: ID!, $n: Int!, $p: Int) { recutPreview(scanId: $s, fromPage: $n, pagesPerCopy: $p) { ${SUMMARY} } }`;
const DESK = `query($e: ID!) { identificationDesk(examId: $e, filter: ALL, first: 200) {
  items { copyId anonymousCode scanId engine flags { reason note } pages { pageId number } student { studentId }
  candidates { student { id } } } } }`;

let api: ApiHarness;
let admin: ApiClient;
let dataDir: string;
let scan: ClassScan;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-scan-recut-'));
  process.env.DATA_DIR = dataDir;
  api = await startApi();
  admin = await api.admin();
  scan = await generateClassScan({ style: 'printed', copies: 6, pagesPerCopy: 2, dpi: 150, seed: 23, missingPageCopyIndex: 2 });
  expect((await importRoster(admin, scan.rosterCsv)).errors).toBe(0);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A new exam with the class scan imported to the end; answers its ids. */
const importedScan = async (title: string): Promise<{ examId: string; scanId: string }> => {
  const examId = await createExamFor(admin, scan.roster[0]!.className, title);
  const answer = await uploadScan(api.base, admin, examId, [{ name: 'classe.pdf', bytes: scan.pdf }], { pagesPerCopy: '2' });
  expect(answer.status).toBe(202);
  const scanId = String(answer.body.scanId);
  const [done] = await waitForScans(admin, examId, [scanId]);
  expect(done!.stage).toBe('COMPLETED');
  return { examId, scanId };
};

const deskOf = async (examId: string): Promise<DeskCopy[]> =>
  ok(await admin.graphql<{ identificationDesk: { items: DeskCopy[] } }>(DESK, { e: examId })).identificationDesk.items.sort(
    (a, b) => Math.min(...a.pages.map((p) => p.number)) - Math.min(...b.pages.map((p) => p.number)),
  );
const pageNumbers = (copies: DeskCopy[]) => copies.map((copy) => copy.pages.map((page) => page.number));
const truthPages = () => scan.truth.copies.map((copy) => copy.pages);
/** The first page of the first student the fixed cut shifted: where the admin re-cuts. */
const shiftedFrom = () => scan.truth.copies[3]!.firstPage;

describe('a class scan with a page missing in the middle, re-cut from the first shifted student', () => {
  let examId: string;
  let scanId: string;
  let before: DeskCopy[];
  let summary: Summary;
  let identifiedBefore: Map<string, string | null>;

  beforeAll(async () => {
    ({ examId, scanId } = await importedScan('Bac blanc : recoupage'));
    before = await deskOf(examId);
    // A person had identified a shifted copy from its (wrong) first page: it must not survive.
    const shifted = before[3]!;
    if (shifted.student === null) {
      const free = await anyFreeStudent(examId);
      ok(
        await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, {
          c: shifted.copyId,
          s: free,
        }),
      );
    }
    before = await deskOf(examId);
    identifiedBefore = new Map(before.map((copy) => [copy.copyId, copy.student?.studentId ?? null]));
    expect(identifiedBefore.get(shifted.copyId)).not.toBeNull();
    const started = Date.now();
    summary = ok(await admin.graphql<{ recutScan: Summary }>(RECUT, { s: scanId, n: shiftedFrom() })).recutScan;
    console.info(`re-cut: ${summary.changedCopyIds.length} copies changed, headers read again, in ${Date.now() - started} ms`);
  }, 300_000);

  it('was cut shifted by the fixed page count, the last copy alone flagged', () => {
    expect(pageNumbers(before)).toEqual([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11]]);
    expect(before.map((copy) => copy.flags.map((flag) => flag.reason))).toEqual([[], [], [], [], [], ['MISSING_PAGES']]);
  });

  it('gives every student’s pages back to one copy, reusing the copies in scan order', async () => {
    const after = await deskOf(examId);
    expect(pageNumbers(after)).toEqual(truthPages());
    expect(after.map((copy) => copy.copyId)).toEqual(before.map((copy) => copy.copyId));
    expect(after.map((copy) => copy.anonymousCode)).toEqual(before.map((copy) => copy.anonymousCode));
    expect(summary).toMatchObject({ scanId, fromPage: shiftedFrom(), pagesPerCopy: 2, created: 0, discarded: 0 });
    expect(summary.changedCopyIds).toEqual(before.slice(2).map((copy) => copy.copyId));
  });

  it('keeps the page count, every page in exactly one copy', async () => {
    const pages = (await deskOf(examId)).flatMap((copy) => copy.pages);
    expect(pages).toHaveLength(scan.truth.pageCount);
    expect(new Set(pages.map((page) => page.pageId)).size).toBe(scan.truth.pageCount);
  });

  it('flags the short copy and lifts the flag of the copy now complete', async () => {
    const after = await deskOf(examId);
    expect(after.map((copy) => copy.flags.map((flag) => flag.reason))).toEqual([[], [], ['MISSING_PAGES'], [], [], []]);
  });

  it('clears the identifications made on another first page, reads the new header for the desk, and keeps the others', async () => {
    const after = await deskOf(examId);
    for (const [index, copy] of after.entries()) {
      if (index < 3) {
        expect({ index, student: copy.student?.studentId ?? null }).toEqual({ index, student: identifiedBefore.get(copy.copyId) });
        continue;
      }
      // Read again by OCR from the new first page (the student's own header): the right student is offered.
      const truth = await studentIdOf(scan.truth.copies[index]!.student);
      expect({ index, student: copy.student, engine: copy.engine }).toEqual({
        index,
        student: null,
        engine: expect.stringMatching(/tesseract/),
      });
      expect({ index, candidates: copy.candidates.map((c) => c.student.id) }).toEqual({
        index,
        candidates: expect.arrayContaining([truth]),
      });
    }
    const events = (await api.runtime.store.readStream(copyStreamId(after[3]!.copyId))).map((event) => event.type);
    expect(events.slice(events.lastIndexOf('PagesAttached'))).toEqual(expect.arrayContaining(['IdentificationCleared', 'HeaderRead']));
  });

  it('does nothing when asked again', async () => {
    const again = ok(await admin.graphql<{ recutScan: Summary }>(RECUT, { s: scanId, n: shiftedFrom() })).recutScan;
    expect(again).toMatchObject({ changedCopyIds: [], created: 0, discarded: 0 });
    expect(pageNumbers(await deskOf(examId))).toEqual(truthPages());
  });

  it('discards the copies emptied by a larger cut and creates copies for a smaller one', async () => {
    const preview = ok(await admin.graphql<{ recutPreview: Summary }>(PREVIEW, { s: scanId, n: 1, p: 4 })).recutPreview;
    expect(preview).toMatchObject({ created: 0, discarded: 3 });
    expect(pageNumbers(await deskOf(examId))).toEqual(truthPages());
    const larger = ok(await admin.graphql<{ recutScan: Summary }>(RECUT, { s: scanId, n: 1, p: 4 })).recutScan;
    expect(larger).toMatchObject({ created: 0, discarded: 3 });
    const merged = await deskOf(examId);
    expect(pageNumbers(merged)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11],
    ]);
    expect(merged.map((copy) => copy.flags.map((flag) => flag.reason))).toEqual([[], [], ['MISSING_PAGES']]);
    const smaller = ok(await admin.graphql<{ recutScan: Summary }>(RECUT, { s: scanId, n: 1, p: 2 })).recutScan;
    expect(smaller).toMatchObject({ created: 3, discarded: 0 });
    const back = ok(await admin.graphql<{ recutScan: Summary }>(RECUT, { s: scanId, n: shiftedFrom(), p: 2 })).recutScan;
    expect(back.created + back.discarded).toBe(0);
    const final = await deskOf(examId);
    expect(pageNumbers(final)).toEqual(truthPages());
    expect(new Set(final.map((copy) => copy.anonymousCode)).size).toBe(6);
  }, 120_000);
});

describe('a re-cut interrupted half way', () => {
  it('is completed by the same request asked again, with no page lost or doubled', async () => {
    const { examId, scanId } = await importedScan('Bac blanc : reprise du recoupage');
    const before = await deskOf(examId);
    // What a server killed mid re-cut leaves: the plan's first transfers done, the last one detached only.
    const prepared = await api.app.get(RecutPlanner).prepare(scanId, shiftedFrom(), null);
    const steps = prepared.plan.steps;
    expect(steps.length).toBeGreaterThanOrEqual(3);
    const actor = await adminActor(api);
    const half = Math.floor(steps.length / 2);
    const transfers = api.app.get(PageTransfers);
    for (const [index, step] of steps.slice(0, half + 1).entries()) {
      if (step.kind !== 'move') throw new Error('a shift is re-cut by moves');
      const source = await transfers.copy(step.fromCopyId);
      // The very transfer the handler would have written: the retry must recognise it, not redo it.
      const transferId = recutTransferId(prepared.recutId, step, source.transferIds.length);
      const command = {
        type: 'DetachPages',
        data: { pageIds: step.pageIds, toCopyId: step.toCopyId, transferId, position: step.position, newCopy: step.newCopy },
        metadata: { ...actor, now: new Date().toISOString() },
      } as const;
      const detached = await executeCommand(api.runtime.store, copyStreamId(step.fromCopyId), copyDecider, command, {
        ...actor,
        correlationId: transferId,
        causationId: prepared.recutId,
      });
      if (index < half)
        await transfers.complete(transfers.transferIn(detached.events, source)!, { ...actor, causationId: prepared.recutId });
    }
    const rest = ok(await admin.graphql<{ recutScan: Summary }>(RECUT, { s: scanId, n: shiftedFrom() })).recutScan;
    expect(rest.changedCopyIds.length).toBeLessThan(prepared.plan.changed.length);
    const after = await deskOf(examId);
    expect(pageNumbers(after)).toEqual(truthPages());
    expect(after.map((copy) => copy.copyId)).toEqual(before.map((copy) => copy.copyId));
    const pages = after.flatMap((copy) => copy.pages.map((page) => page.pageId));
    expect(new Set(pages).size).toBe(scan.truth.pageCount);
    expect(after.map((copy) => copy.flags.map((flag) => flag.reason))).toEqual([[], [], ['MISSING_PAGES'], [], [], []]);
    // Every page landed once: each copy's stream folds to the same pages as the read model.
    for (const copy of after) {
      const events = await api.runtime.store.readStream(copyStreamId(copy.copyId));
      const state = events.reduce((s, e) => copyDecider.evolve(s, { type: e.type, data: e.data } as never), copyDecider.initialState());
      expect(state.pages.map((page) => page.number)).toEqual(copy.pages.map((page) => page.number));
    }
    // Planning again from the result finds nothing left to do.
    const copies = after.map((copy) => ({ copyId: copy.copyId, pages: copy.pages }));
    expect(planRecut(copies, shiftedFrom(), 2, () => 'unused').steps).toEqual([]);
  }, 300_000);
});

describe('a re-cut refused', () => {
  let examId: string;
  let scanId: string;

  beforeAll(async () => {
    ({ examId, scanId } = await importedScan('Bac blanc : recoupage refusé'));
  }, 300_000);

  it('refuses a page out of range and a copy size out of range, in French, changing nothing', async () => {
    const before = pageNumbers(await deskOf(examId));
    for (const [n, p] of [
      [0, null],
      [scan.truth.pageCount + 1, null],
      [3, 0],
      [3, 101],
    ] as const) {
      const result = await admin.graphql(RECUT, { s: scanId, n, p });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.message).toMatch(/page/);
    }
    expect(pageNumbers(await deskOf(examId))).toEqual(before);
  });

  it('refuses an unknown scan and a single-copy scan', async () => {
    expect(errorCode(await admin.graphql(RECUT, { s: '0b6f3c1e-4a77-4d2a-9a51-6f0c2d9e1a01', n: 1 }))).toBe('NOT_FOUND');
    const single = await createExamFor(admin, scan.roster[0]!.className, 'Bac blanc : copies individuelles');
    const answer = await uploadScan(api.base, admin, single, [{ name: 'eleve.pdf', bytes: scan.pdf }], { mode: 'single' });
    if (answer.status !== 202) throw new Error(`single upload refused: ${JSON.stringify(answer.body)}`);
    const [done] = await waitForScans(admin, single, [String(answer.body.scanId)]);
    const result = await admin.graphql(RECUT, { s: done!.scanId, n: 1 });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/numérisation de classe/);
  }, 300_000);

  it('refuses when correction has begun on a copy it would change', async () => {
    const copies = await deskOf(examId);
    ok(await lockCopy(admin, copies[4]!.copyId));
    const result = await admin.graphql(RECUT, { s: scanId, n: shiftedFrom() });
    expect(errorCode(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toMatch(/correction a commencé sur la copie K-/);
    expect(pageNumbers(await deskOf(examId))).toEqual(pageNumbers(copies));
  });

  it('is refused to a teacher', async () => {
    const teacher = await signedInStaff(api, admin, 'TEACHER', 'prof.recoupage@lycee.test');
    expect(errorCode(await teacher.client.graphql(RECUT, { s: scanId, n: shiftedFrom() }))).toBe('FORBIDDEN');
    expect(errorCode(await teacher.client.graphql(PREVIEW, { s: scanId, n: shiftedFrom() }))).toBe('FORBIDDEN');
  });
});

/** The roster's id of a student of the fixture's ground truth. */
async function studentIdOf(truth: { lastName: string; firstName: string; birthDate: string }): Promise<string> {
  const { students } = ok(
    await admin.graphql<{ students: { studentId: string; lastName: string; firstName: string; birthDate: string }[] }>(
      `query($c: String) { students(className: $c) { studentId lastName firstName birthDate } }`,
      { c: scan.roster[0]!.className },
    ),
  );
  const fold = (text: string) =>
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
  const found = students.find(
    (s) => s.birthDate === truth.birthDate && fold(s.lastName) === fold(truth.lastName) && fold(s.firstName) === fold(truth.firstName),
  );
  if (!found) throw new Error(`student ${truth.lastName} ${truth.firstName} not in the roster`);
  return found.studentId;
}

/** A roster student no copy of the exam holds. */
async function anyFreeStudent(examId: string): Promise<string> {
  const { students } = ok(
    await admin.graphql<{ students: { studentId: string }[] }>(`query($c: String) { students(className: $c) { studentId } }`, {
      c: scan.roster[0]!.className,
    }),
  );
  const taken = new Set((await deskOf(examId)).flatMap((copy) => (copy.student ? [copy.student.studentId] : [])));
  const free = students.find((student) => !taken.has(student.studentId));
  if (!free) throw new Error('every student of the class already has a copy');
  return free.studentId;
}
