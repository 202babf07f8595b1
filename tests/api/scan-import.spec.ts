import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import os from 'node:os';
import path from 'node:path';
import type { RecordedEvent } from '#event-store';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { importRoster, pronoteFile, signedInStaff, signedInStudent } from '../support/school-fixtures.js';
import { type ScanView, createExamFor, listScans, uploadScan, waitForScans } from '../support/scan-upload.js';
import { subscribe } from '../support/ws-client.js';
import { type ClassScan, generateClassScan } from '../fixtures/class-scan.js';
import { generateOnePerStudent } from '../fixtures/one-per-student.js';
import type { RosterStudent } from '../fixtures/roster.js';

/*
 * Scan import end to end (issue 4): a generated, printed class scanned into one real PDF goes through
 * the real upload route, the real render workers, tesseract and the matcher, on a real PostgreSQL.
 * What counts: the copies and their pages, the split's flags, a header reading per copy, and not one
 * wrong automatic identification — the rest waits at the desk with the right student among its candidates.
 */

const STAGES = ['UPLOADED', 'RENDERING', 'SPLITTING', 'READING', 'MATCHING', 'COMPLETED'];

let api: ApiHarness;
let admin: ApiClient;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-scan-import-'));
  process.env.DATA_DIR = dataDir;
  api = await startApi();
  admin = await api.admin();
}, 60_000);

afterAll(async () => {
  await api?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a class scanned into one PDF', () => {
  let scan: ClassScan;
  let examId: string;
  let scanId: string;
  let studentIds: Map<RosterStudent, string>;
  let finished: ScanView;
  let stagesSeen: string[];
  let importSeconds: number;

  beforeAll(async () => {
    scan = await generateClassScan({
      style: 'printed',
      copies: 6,
      pagesPerCopy: 2,
      dpi: 150,
      seed: 11,
      missingPageCopyIndex: 5,
      blankPageCopyIndex: 2,
    });
    studentIds = await importClass(admin, scan.roster, scan.rosterCsv);
    examId = await createExamFor(admin, scan.roster[0]!.className);
    const progress = subscribe<{ scanProgress: { scanId: string; stage: string; done: number; total: number }[] }>(
      api,
      admin,
      `subscription($e: ID!) { scanProgress(examId: $e) { scanId stage done total } }`,
      { e: examId },
    );
    await progress.connected;
    const started = Date.now();
    const answer = await uploadScan(api.base, admin, examId, [{ name: 'Numérisation 1G3.pdf', bytes: scan.pdf }], { pagesPerCopy: '2' });
    expect(answer).toMatchObject({ status: 202, body: { pageCount: scan.truth.pageCount } });
    scanId = String(answer.body.scanId);
    stagesSeen = [];
    for (let deadline = Date.now() + 240_000; Date.now() < deadline;) {
      const { data } = await progress.next(deadline - Date.now());
      const mine = data?.scanProgress.find((entry) => entry.scanId === scanId);
      if (!mine) continue;
      stagesSeen.push(`${mine.stage}:${mine.done}/${mine.total}`);
      if (['COMPLETED', 'FAILED'].includes(mine.stage)) break;
    }
    await progress.close();
    finished = (await waitForScans(admin, examId, [scanId]))[0]!;
    importSeconds = (Date.now() - started) / 1000;
    console.info(
      `scan import: ${scan.truth.copies.length} copies, ${scan.truth.pageCount} pages in ${importSeconds.toFixed(1)} s, ` +
        `${finished.autoIdentified} identified automatically; stages ${stagesSeen.join(' → ')}`,
    );
  }, 300_000);

  it('is imported to the end, every copy with its pages in order', async () => {
    expect(finished).toMatchObject({
      stage: 'COMPLETED',
      problem: null,
      pageCount: scan.truth.pageCount,
      copyCount: scan.truth.copies.length,
    });
    const split = await splitOf(scanId);
    expect(split.map((copy) => copy.pages.map((page) => page.number))).toEqual(scan.truth.copies.map((copy) => copy.pages));
    const copies = await adminCopies(examId);
    expect(copies).toHaveLength(scan.truth.copies.length);
    expect(new Set(copies.map((copy) => copy.anonymousCode)).size).toBe(copies.length);
    for (const [index, splitCopy] of split.entries()) {
      const copy = copies.find((candidate) => candidate.copyId === splitCopy.copyId);
      expect({ index, pageCount: copy?.pageCount }).toEqual({ index, pageCount: scan.truth.copies[index]!.pages.length });
    }
  });

  it('flags the copy missing a page and the one with a blank page, and no other', async () => {
    const split = await splitOf(scanId);
    const copies = await adminCopies(examId);
    const flagsOf = (copyId: string) => (copies.find((copy) => copy.copyId === copyId)?.flags ?? []).map((flag) => flag.reason).sort();
    expect(split.map((copy) => flagsOf(copy.copyId))).toEqual(
      scan.truth.copies.map((copy) => copy.flags.map((flag) => flag.toUpperCase()).sort()),
    );
    expect(finished.warnings.length).toBeGreaterThan(0);
  });

  it('reads each copy’s header once, keeps the crop, and masks the header of each first page', async () => {
    for (const copy of await splitOf(scanId)) {
      const events = await api.runtime.store.readStream(`copy-${copy.copyId}`);
      const reads = events.filter((event) => event.type === 'HeaderRead');
      expect(reads).toHaveLength(1);
      const read = reads[0]!.data as { text: string; imageBlobKey?: string; candidates: unknown[] };
      expect(read.text.trim().length).toBeGreaterThan(0);
      expect(await api.runtime.blobs.has(read.imageBlobKey ?? '')).toBe(true);
      const imported = events.find((event) => event.type === 'CopyImported')!.data as {
        pages: { maskedImageBlobKey?: string; imageBlobKey: string }[];
      };
      const [first, ...others] = imported.pages;
      expect(await api.runtime.blobs.has(first!.maskedImageBlobKey ?? '')).toBe(true);
      expect(first!.maskedImageBlobKey).not.toBe(first!.imageBlobKey);
      expect(await darkestInHeader(first!.maskedImageBlobKey!)).toBeGreaterThanOrEqual(200);
      expect(await darkestInHeader(first!.imageBlobKey)).toBeLessThan(128);
      expect(others.every((page) => page.maskedImageBlobKey === undefined)).toBe(true);
    }
  });

  it('identifies automatically only the right student, and leaves the others at the desk with the right candidate', async () => {
    const split = await splitOf(scanId);
    const copies = await adminCopies(examId);
    let auto = 0;
    for (const [index, splitCopy] of split.entries()) {
      const truth = scan.truth.copies[index]!.student;
      const expected = [...studentIds].find(([student]) => sameStudent(student, truth))?.[1];
      const copy = copies.find((candidate) => candidate.copyId === splitCopy.copyId)!;
      if (copy.student) {
        expect({ index, studentId: copy.student.studentId }).toEqual({ index, studentId: expected });
        if (copy.identificationMethod === 'auto') auto++;
      } else {
        expect({ index, candidates: await candidatesOf(splitCopy.copyId) }).toEqual({
          index,
          candidates: expect.arrayContaining([expected]),
        });
      }
    }
    expect(auto).toBe(finished.autoIdentified);
    expect(auto + finished.leftToDesk!).toBe(scan.truth.copies.length);
    expect(auto).toBeGreaterThan(0);
  });

  it('sends progress live, stage after stage, to the end', () => {
    const stages = stagesSeen.map((entry) => entry.split(':')[0]!);
    const order = stages.map((stage) => STAGES.indexOf(stage));
    expect(order.every((rank) => rank >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(stages.at(-1)).toBe('COMPLETED');
    expect(new Set(stages).size).toBeGreaterThanOrEqual(2);
  });

  it('refuses the same file a second time for the exam, saying when it was imported', async () => {
    const again = await uploadScan(api.base, admin, examId, [{ name: 'encore.pdf', bytes: scan.pdf }], { pagesPerCopy: '2' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT', scanId });
    expect(String(again.body.reason)).toMatch(/déjà été importé pour cet examen le \d+ \S+ \d{4}/);
    expect((await listScans(admin, examId)).map((entry) => entry.scanId)).toEqual([scanId]);
  });

  it('leaves no temporary file behind', async () => {
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });
});

describe('one PDF per student', () => {
  it('imports each file as one copy and identifies it', async () => {
    const scanned = await generateOnePerStudent({ style: 'printed', copies: 3, pagesPerCopy: 2, dpi: 150, seed: 23, className: '1G4' });
    const studentIds = await importClass(admin, scanned.roster, scanned.rosterCsv);
    const examId = await createExamFor(admin, '1G4');
    const answer = await uploadScan(
      api.base,
      admin,
      examId,
      scanned.files.map((file) => ({ name: file.fileName, bytes: file.pdf })),
      { mode: 'single' },
    );
    expect(answer.status).toBe(202);
    const accepted = answer.body.scans as { scanId: string; fileName: string; pageCount: number }[];
    expect(accepted.map((entry) => [entry.fileName, entry.pageCount])).toEqual(
      scanned.files.map((file) => [file.fileName, file.pageCount]),
    );
    const done = await waitForScans(
      admin,
      examId,
      accepted.map((entry) => entry.scanId),
    );
    expect(done.map((entry) => [entry.stage, entry.mode, entry.copyCount])).toEqual(accepted.map(() => ['COMPLETED', 'SINGLE', 1]));
    const copies = await adminCopies(examId);
    for (const [index, file] of scanned.files.entries()) {
      const [copy] = await splitOf(accepted[index]!.scanId);
      const summary = copies.find((candidate) => candidate.copyId === copy!.copyId)!;
      expect(summary.pageCount).toBe(file.pageCount);
      const expected = [...studentIds].find(([student]) => sameStudent(student, file.student))?.[1];
      if (summary.student) expect({ index, studentId: summary.student.studentId }).toEqual({ index, studentId: expected });
      else
        expect({ index, candidates: await candidatesOf(copy!.copyId) }).toEqual({ index, candidates: expect.arrayContaining([expected]) });
    }
  }, 240_000);
});

describe('an exam with its own header region', () => {
  it('reads that region of each first page, not the default top quarter', async () => {
    // The class of the first describe (its roster is already imported when the whole file runs).
    const scan = await generateClassScan({ style: 'printed', copies: 2, pagesPerCopy: 1, dpi: 150, seed: 11 });
    const examId = await createExamFor(admin, scan.roster[0]!.className, 'Bac blanc de philosophie');
    const region = { x: 0.1, y: 0.05, width: 0.6, height: 0.2 };
    const defined = await admin.graphql(
      `mutation($e: ID!, $r: HeaderRegionInput!) { defineHeaderRegion(examId: $e, region: $r) { examId } }`,
      { e: examId, r: region },
    );
    expect(defined.errors).toBeUndefined();
    const answer = await uploadScan(api.base, admin, examId, [{ name: 'philo.pdf', bytes: scan.pdf }], { pagesPerCopy: '1' });
    expect(answer.status).toBe(202);
    const [done] = await waitForScans(admin, examId, [String(answer.body.scanId)]);
    expect(done!.stage).toBe('COMPLETED');
    for (const copy of await splitOf(String(answer.body.scanId))) {
      const events = await api.runtime.store.readStream(`copy-${copy.copyId}`);
      const read = events.find((event) => event.type === 'HeaderRead')!.data as { imageBlobKey: string };
      const page = (events.find((event) => event.type === 'CopyImported')!.data as { pages: { imageBlobKey: string }[] }).pages[0]!;
      const view = await imageOf(page.imageBlobKey);
      const crop = await imageOf(read.imageBlobKey);
      expect(Math.abs(crop.width - region.width * view.width)).toBeLessThanOrEqual(2);
      expect(Math.abs(crop.height - region.height * view.height)).toBeLessThanOrEqual(2);
    }
  }, 240_000);
});

describe('who may upload', () => {
  beforeAll(async () => {
    await importRoster(admin, pronoteFile(['MORVAN Gwenaëlle;12/09/2008;;1G5;', 'KERGUELEN Yann;03/02/2008;;1G5;']));
  });

  it('refuses anonymous callers, teachers, students and a missing CSRF token, writing nothing', async () => {
    const examId = await createExamFor(admin, '1G5', 'Bac blanc de physique');
    const { client: teacher } = await signedInStaff(api, admin, 'TEACHER', 'prof.scan@lycee.test');
    const [someone] = await studentsOf(admin, '1G5');
    const student = await signedInStudent(api, admin, someone!.studentId);
    const pdf = [{ name: 'classe.pdf', bytes: Buffer.from('%PDF-1.7\n') }];
    const before = await scanEventCount();
    const answers = {
      anonymous: await uploadScan(api.base, null, examId, pdf),
      teacher: await uploadScan(api.base, teacher, examId, pdf),
      student: await uploadScan(api.base, student, examId, pdf),
      noCsrf: await uploadScan(api.base, admin, examId, pdf, {}, { csrf: false }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([who, answer]) => [who, [answer.status, answer.body.code]]))).toEqual({
      anonymous: [401, 'UNAUTHENTICATED'],
      teacher: [403, 'FORBIDDEN'],
      student: [403, 'FORBIDDEN'],
      noCsrf: [403, 'FORBIDDEN'],
    });
    expect(await scanEventCount()).toBe(before);
    expect(await listScans(admin, examId)).toEqual([]);
  });

  it('refuses an exam that does not exist, and a form without a file', async () => {
    const missing = await uploadScan(api.base, admin, '0b6f3c1e-4a77-4d2a-9a51-6f0c2d9e1a01', [
      { name: 'a.pdf', bytes: Buffer.from('%PDF') },
    ]);
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
    const examId = await createExamFor(admin, '1G5', 'Bac blanc de SVT');
    const empty = await uploadScan(api.base, admin, examId, [], { pagesPerCopy: '2' });
    expect([empty.status, empty.body.code]).toEqual([400, 'BAD_USER_INPUT']);
    const badCount = await uploadScan(api.base, admin, examId, [{ name: 'a.pdf', bytes: Buffer.from('%PDF') }], { pagesPerCopy: 'deux' });
    expect([badCount.status, badCount.body.code]).toEqual([400, 'BAD_USER_INPUT']);
  });
});

// ---------------------------------------------------------------------------------------------

const importClass = async (client: ApiClient, roster: readonly RosterStudent[], csv: string): Promise<Map<RosterStudent, string>> => {
  const report = await importRoster(client, csv);
  expect(report.errors).toBe(0);
  const students = await studentsOf(client, roster[0]!.className);
  return new Map(
    roster.map((student) => {
      const found = students.find((row) => row.birthDate === student.birthDate && sameStudent(row, student));
      if (!found) throw new Error(`student ${student.lastName} ${student.firstName} not imported`);
      return [student, found.studentId];
    }),
  );
};

type StudentRow = { studentId: string; lastName: string; firstName: string; birthDate: string };
const studentsOf = async (client: ApiClient, className: string): Promise<StudentRow[]> => {
  const result = await client.graphql<{ students: StudentRow[] }>(
    `query($c: String) { students(className: $c) { studentId lastName firstName birthDate } }`,
    {
      c: className,
    },
  );
  return result.data!.students;
};

const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
const sameStudent = (
  a: Pick<RosterStudent, 'lastName' | 'firstName' | 'birthDate'>,
  b: Pick<RosterStudent, 'lastName' | 'firstName' | 'birthDate'>,
) => fold(a.lastName) === fold(b.lastName) && fold(a.firstName) === fold(b.firstName) && a.birthDate === b.birthDate;

/** The darkest grey level (0 black … 255 white) in the top quarter of a stored page image. */
const imageOf = async (key: string) => loadImage(await buffer((await api.runtime.blobs.get(key))!.stream));

const darkestInHeader = async (key: string): Promise<number> => {
  const blob = await api.runtime.blobs.get(key);
  const image = await loadImage(await buffer(blob!.stream));
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  // The band just above the mask's lower edge carries the lossy codec's ringing: looked at up to 24 %.
  const { data } = ctx.getImageData(0, 0, image.width, Math.floor(image.height * 0.24));
  let darkest = 255;
  for (let i = 0; i < data.length; i += 4) darkest = Math.min(darkest, data[i]!, data[i + 1]!, data[i + 2]!);
  return darkest;
};

/** The student ids the copy's header reading ranked. */
const candidatesOf = async (copyId: string): Promise<string[]> => {
  const read = (await api.runtime.store.readStream(`copy-${copyId}`)).find((event) => event.type === 'HeaderRead');
  return ((read?.data as { candidates?: { studentId: string }[] } | undefined)?.candidates ?? []).map((candidate) => candidate.studentId);
};

type SplitCopy = { copyId: string; pages: { number: number }[] };
const splitOf = async (scanId: string): Promise<SplitCopy[]> => {
  const events: RecordedEvent[] = await api.runtime.store.readStream(`scan-${scanId}`);
  return (events.find((event) => event.type === 'ScanSplit')!.data as { copies: SplitCopy[] }).copies;
};

type AdminCopy = {
  copyId: string;
  anonymousCode: string;
  pageCount: number;
  flags: { reason: string }[];
  student: { studentId: string } | null;
  identificationMethod: string | null;
};
const adminCopies = async (examId: string): Promise<AdminCopy[]> => {
  const result = await admin.graphql<{ copies: AdminCopy[] }>(
    `query($e: ID!) { copies(examId: $e) { copyId anonymousCode pageCount flags { reason } student { studentId } identificationMethod } }`,
    { e: examId },
  );
  return result.data!.copies;
};

const scanEventCount = async (): Promise<number> => {
  const { rows } = await api.db.pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM es_events WHERE stream_id LIKE 'scan%'`);
  return rows[0]!.count;
};
