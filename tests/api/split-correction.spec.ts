import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { copyDecider, copyStreamId } from '#domain';
import { TransferCompletionProcessor } from '../../apps/api/src/copies/split-correction/transfer-completion.processor.js';
import { executeCommand } from '../../apps/api/src/shared/execute-command.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { type ImportedCopy, IMPORT_COPIES, adminActor, createExam, lockCopy, signedInStudent } from '../support/copy-fixtures.js';
import { errorCode, importRoster, ok, signedInStaff } from '../support/school-fixtures.js';
import { createExamFor, uploadScan, waitForScans } from '../support/scan-upload.js';
import { type ClassScan, generateClassScan } from '../fixtures/class-scan.js';

/**
 * Correcting how a scan was cut into copies (issue 4 part 7), through the API: moves, merges,
 * splits, reorders and flags, refused once correction starts, and safe against a crash between
 * the two streams a move writes. On a real class scan: a copy whose first page changes loses an
 * identification made on another sheet and gets its new header read for the desk.
 */

type AdminCopy = {
  copyId: string;
  anonymousCode: string;
  pageCount: number;
  pages: { pageId: string; number: number; position: number }[];
  flags: { reason: string }[];
  student: { lastName: string } | null;
};
const FIELDS = 'copyId anonymousCode pageCount pages { pageId number position } flags { reason } student { lastName }';
const MOVE = `mutation($p: ID!, $t: ID!, $at: Int) { movePage(pageId: $p, toCopyId: $t, position: $at) { ${FIELDS} } }`;
const MERGE = `mutation($t: ID!, $s: ID!) { mergeCopies(targetCopyId: $t, sourceCopyId: $s) { ${FIELDS} } }`;
const SPLIT = `mutation($c: ID!, $p: ID!) { splitCopy(copyId: $c, atPageId: $p) { ${FIELDS} } }`;
const REORDER = `mutation($c: ID!, $p: [ID!]!) { reorderPages(copyId: $c, pageIds: $p) { ${FIELDS} } }`;
const FLAG = `mutation($c: ID!) { flagCopy(copyId: $c, reason: BLANK_PAGES, note: "page 2 blanche") { ${FIELDS} } }`;
const CLEAR_FLAG = `mutation($c: ID!) { clearFlag(copyId: $c, reason: BLANK_PAGES) { ${FIELDS} } }`;
const ADMIN_COPY = `query($c: ID!) { adminCopy(copyId: $c) { ${FIELDS} } }`;

describe('split correction', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  let examId: string;
  let dataDir: string;

  beforeAll(async () => {
    // The scan pipeline keeps its temporary files under DATA_DIR.
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-split-correction-'));
    process.env.DATA_DIR = dataDir;
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'prof.decoupe@lycee.test');
    examId = await createExam(api, [teacher.userId]);
  });
  afterAll(async () => {
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const adminCopy = async (copyId: string) => ok(await admin.graphql<{ adminCopy: AdminCopy }>(ADMIN_COPY, { c: copyId })).adminCopy;
  const pageIdsOf = async (copyId: string) => (await adminCopy(copyId)).pages.map((page) => page.pageId);
  /** Copies of `pages` pages each, numbered on from `from`. */
  const scan = async (pagesPerCopy: number[], exam = examId): Promise<ImportedCopy[]> => {
    let number = 0;
    const copies = pagesPerCopy.map((count) => ({
      pages: Array.from({ length: count }, () => ({ pageId: randomUUID(), number: ++number })),
    }));
    const { importCopies: imported } = ok(
      await admin.graphql<{ importCopies: { copyId: string; anonymousCode: string }[] }>(IMPORT_COPIES, {
        examId: exam,
        scanId: randomUUID(),
        copies,
      }),
    );
    return imported.map((copy, index) => ({ ...copy, pageIds: copies[index]!.pages.map((page) => page.pageId) }));
  };

  describe('moving a page', () => {
    it('takes it out of its copy and puts it where asked in the other, answering both', async () => {
      const [a, b] = await scan([3, 2]);
      const { movePage } = ok(await admin.graphql<{ movePage: AdminCopy[] }>(MOVE, { p: a!.pageIds[2], t: b!.copyId, at: 0 }));
      expect(movePage.map((copy) => copy.copyId)).toEqual([a!.copyId, b!.copyId]);
      expect(movePage[0]!.pages.map((page) => page.pageId)).toEqual(a!.pageIds.slice(0, 2));
      expect(movePage[1]!.pages.map((page) => [page.pageId, page.position])).toEqual([
        [a!.pageIds[2], 0],
        [b!.pageIds[0], 1],
        [b!.pageIds[1], 2],
      ]);
      expect(movePage.map((copy) => copy.pageCount)).toEqual([2, 3]);
    });

    it('records the two halves under one correlation id', async () => {
      const [a, b] = await scan([2, 1]);
      ok(await admin.graphql(MOVE, { p: a!.pageIds[1], t: b!.copyId }));
      const [detached] = (await api.runtime.store.readStream(copyStreamId(a!.copyId))).filter((e) => e.type === 'PagesDetached');
      const [attached] = (await api.runtime.store.readStream(copyStreamId(b!.copyId))).filter((e) => e.type === 'PagesAttached');
      expect(attached!.data.transferId).toBe(detached!.data.transferId);
      expect(detached!.metadata.correlationId).toBe(detached!.data.transferId);
      expect(attached!.metadata.correlationId).toBe(detached!.data.transferId);
      expect(await pageIdsOf(b!.copyId)).toEqual([...b!.pageIds, a!.pageIds[1]]);
    });

    it('within its own copy, reorders it', async () => {
      const [a] = await scan([3]);
      const { movePage } = ok(await admin.graphql<{ movePage: AdminCopy[] }>(MOVE, { p: a!.pageIds[2], t: a!.copyId, at: 0 }));
      expect(movePage).toHaveLength(1);
      expect(movePage[0]!.pages.map((page) => page.pageId)).toEqual([a!.pageIds[2], a!.pageIds[0], a!.pageIds[1]]);
    });

    it('refuses the last page of a copy, a page of another exam’s copy and an unknown page', async () => {
      const [a, b] = await scan([1, 1]);
      expect(errorCode(await admin.graphql(MOVE, { p: a!.pageIds[0], t: b!.copyId }))).toBe('BAD_USER_INPUT');
      const otherExam = await createExam(api, [teacher.userId]);
      const [elsewhere] = await scan([2], otherExam);
      const moved = await admin.graphql(MOVE, { p: elsewhere!.pageIds[0], t: b!.copyId });
      expect(errorCode(moved)).toBe('BAD_USER_INPUT');
      expect(moved.errors![0]!.message).toMatch(/même examen/);
      expect(errorCode(await admin.graphql(MOVE, { p: randomUUID(), t: b!.copyId }))).toBe('NOT_FOUND');
      expect(await pageIdsOf(b!.copyId)).toEqual(b!.pageIds);
    });
  });

  describe('merging two copies', () => {
    it('appends the source’s pages to the target and discards the source, freeing its student', async () => {
      const [target, source] = await scan([2, 2]);
      const { studentId } = await signedInStudent(api, { lastName: 'Abgrall', firstName: 'Yannick' });
      ok(
        await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, {
          c: source!.copyId,
          s: studentId,
        }),
      );
      const before = await progress();
      const { mergeCopies } = ok(await admin.graphql<{ mergeCopies: AdminCopy }>(MERGE, { t: target!.copyId, s: source!.copyId }));
      expect(mergeCopies.pages.map((page) => page.pageId)).toEqual([...target!.pageIds, ...source!.pageIds]);
      expect(mergeCopies.pageCount).toBe(4);
      expect(errorCode(await admin.graphql(ADMIN_COPY, { c: source!.copyId }))).toBe('NOT_FOUND');
      const listed = ok(
        await admin.graphql<{ copies: { copyId: string }[] }>(`query($e: ID!) { copies(examId: $e) { copyId } }`, { e: examId }),
      );
      expect(listed.copies.map((copy) => copy.copyId)).not.toContain(source!.copyId);
      expect(await progress()).toMatchObject({ total: before.total - 1, manual: before.manual - 1 });
      // The student is free again: the reservation was released with the merge.
      const identified = await admin.graphql<{ identifyCopy: AdminCopy }>(
        `mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { ${FIELDS} } }`,
        { c: target!.copyId, s: studentId },
      );
      expect(ok(identified).identifyCopy.student?.lastName).toBe('Abgrall');
      const events = (await api.runtime.store.readStream(copyStreamId(source!.copyId))).map((event) => event.type);
      expect(events.slice(-3)).toEqual(['IdentificationCleared', 'PagesDetached', 'CopyDiscarded']);
    });

    it('refuses a copy with itself, and a discarded copy afterwards', async () => {
      const [target, source] = await scan([1, 1]);
      expect(errorCode(await admin.graphql(MERGE, { t: target!.copyId, s: target!.copyId }))).toBe('BAD_USER_INPUT');
      ok(await admin.graphql(MERGE, { t: target!.copyId, s: source!.copyId }));
      expect(errorCode(await admin.graphql(MERGE, { t: target!.copyId, s: source!.copyId }))).toBe('NOT_FOUND');
      expect(errorCode(await admin.graphql(MERGE, { t: source!.copyId, s: target!.copyId }))).toBe('NOT_FOUND');
    });
  });

  describe('splitting a copy', () => {
    it('makes the pages from the one chosen a new copy with its own anonymous code', async () => {
      const [a] = await scan([4]);
      const { splitCopy } = ok(await admin.graphql<{ splitCopy: AdminCopy[] }>(SPLIT, { c: a!.copyId, p: a!.pageIds[2] }));
      const [kept, created] = splitCopy as [AdminCopy, AdminCopy];
      expect(kept.pages.map((page) => page.pageId)).toEqual(a!.pageIds.slice(0, 2));
      expect(created.pages.map((page) => [page.pageId, page.number, page.position])).toEqual([
        [a!.pageIds[2], 3, 0],
        [a!.pageIds[3], 4, 1],
      ]);
      expect(created.anonymousCode).toMatch(/^K-[2-9A-HJKMNP-Z]{4}$/);
      expect(created.anonymousCode).not.toBe(a!.anonymousCode);
      const [imported] = await api.runtime.store.readStream(copyStreamId(created.copyId));
      expect(imported!.type).toBe('CopyImported');
    });

    it('refuses a cut before the first page or at a page of another copy', async () => {
      const [a, b] = await scan([2, 2]);
      expect(errorCode(await admin.graphql(SPLIT, { c: a!.copyId, p: a!.pageIds[0] }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await admin.graphql(SPLIT, { c: a!.copyId, p: b!.pageIds[1] }))).toBe('BAD_USER_INPUT');
    });
  });

  describe('reordering pages and lifting flags', () => {
    it('puts the pages in the order given, each once', async () => {
      const [a] = await scan([3]);
      const order = [a!.pageIds[1], a!.pageIds[2], a!.pageIds[0]];
      const { reorderPages } = ok(await admin.graphql<{ reorderPages: AdminCopy }>(REORDER, { c: a!.copyId, p: order }));
      expect(reorderPages.pages.map((page) => page.pageId)).toEqual(order);
      expect(errorCode(await admin.graphql(REORDER, { c: a!.copyId, p: order.slice(1) }))).toBe('BAD_USER_INPUT');
    });

    it('lifts a flag, and the exam stops counting the copy as flagged', async () => {
      const [a] = await scan([2]);
      const flagged = async () =>
        ok(
          await admin.graphql<{ exam: { progress: { flagged: number } } }>(`query($e: ID!) { exam(examId: $e) { progress { flagged } } }`, {
            e: examId,
          }),
        ).exam.progress.flagged;
      const before = await flagged();
      expect(ok(await admin.graphql<{ flagCopy: AdminCopy }>(FLAG, { c: a!.copyId })).flagCopy.flags).toEqual([{ reason: 'BLANK_PAGES' }]);
      await api.runner.waitFor((await api.runtime.store.head())!.position, ['exam-copies'], 5000);
      expect(await flagged()).toBe(before + 1);
      expect(ok(await admin.graphql<{ clearFlag: AdminCopy }>(CLEAR_FLAG, { c: a!.copyId })).clearFlag.flags).toEqual([]);
      expect(await flagged()).toBe(before);
    });
  });

  describe('once correction starts', () => {
    it('refuses every change to a copy someone locked, and to moves into it', async () => {
      const [locked, free] = await scan([2, 2]);
      ok(await lockCopy(admin, locked!.copyId));
      for (const result of [
        await admin.graphql(MOVE, { p: locked!.pageIds[1], t: free!.copyId }),
        await admin.graphql(MOVE, { p: free!.pageIds[1], t: locked!.copyId }),
        await admin.graphql(MERGE, { t: free!.copyId, s: locked!.copyId }),
        await admin.graphql(MERGE, { t: locked!.copyId, s: free!.copyId }),
        await admin.graphql(SPLIT, { c: locked!.copyId, p: locked!.pageIds[1] }),
        await admin.graphql(REORDER, { c: locked!.copyId, p: [...locked!.pageIds].reverse() }),
      ])
        expect(errorCode(result)).toBe('CONFLICT');
      expect(await pageIdsOf(locked!.copyId)).toEqual(locked!.pageIds);
      expect(await pageIdsOf(free!.copyId)).toEqual(free!.pageIds);
    });

    it('refuses every change once the exam’s copies are dispatched', async () => {
      const exam = await createExam(api, [teacher.userId]);
      const [a, b] = await scan([2, 2], exam);
      ok(await admin.graphql(`mutation($e: ID!) { dispatchCopies(examId: $e) { moved } }`, { e: exam }));
      const late = (await scan([2], exam))[0]!;
      for (const result of [
        await admin.graphql(MOVE, { p: late.pageIds[1], t: b!.copyId }),
        await admin.graphql(MERGE, { t: late.copyId, s: a!.copyId }),
        await admin.graphql(SPLIT, { c: late.copyId, p: late.pageIds[1] }),
        await admin.graphql(REORDER, { c: late.copyId, p: [...late.pageIds].reverse() }),
      ]) {
        expect(errorCode(result)).toBe('CONFLICT');
        expect(result.errors![0]!.message).toMatch(/réparties/);
      }
    });

    it('is refused to a teacher', async () => {
      const [a, b] = await scan([2, 2]);
      expect(errorCode(await teacher.client.graphql(MOVE, { p: a!.pageIds[1], t: b!.copyId }))).toBe('FORBIDDEN');
      expect(errorCode(await teacher.client.graphql(MERGE, { t: a!.copyId, s: b!.copyId }))).toBe('FORBIDDEN');
    });
  });

  describe('after a crash between the two streams', () => {
    /** What a handler writes before a crash: the source's half only. */
    const detachOnly = async (copyId: string, pageIds: string[], toCopyId: string, newCopy = false) => {
      const actor = await adminActor(api);
      const transferId = randomUUID();
      const command = {
        type: 'DetachPages',
        data: { pageIds, toCopyId, transferId, newCopy },
        metadata: { ...actor, now: new Date().toISOString() },
      } as const;
      const done = await executeCommand(api.runtime.store, copyStreamId(copyId), copyDecider, command, {
        ...actor,
        correlationId: transferId,
      });
      await api.runner.waitFor(done.position!, ['copies'], 5000);
      return transferId;
    };
    const sweep = () => api.app.get(TransferCompletionProcessor).sweep(0);

    it('completes a detached move, once, however often it sweeps', async () => {
      const [a, b] = await scan([2, 2]);
      await detachOnly(a!.copyId, [a!.pageIds[1]!], b!.copyId);
      expect(await pageIdsOf(a!.copyId)).toEqual([a!.pageIds[0]]);
      expect(await pageIdsOf(b!.copyId)).toEqual(b!.pageIds);
      expect(await sweep()).toBeGreaterThanOrEqual(1);
      await api.runner.waitFor((await api.runtime.store.head())!.position, ['copies'], 5000);
      expect(await pageIdsOf(b!.copyId)).toEqual([...b!.pageIds, a!.pageIds[1]]);
      await sweep();
      const attached = (await api.runtime.store.readStream(copyStreamId(b!.copyId))).filter((event) => event.type === 'PagesAttached');
      expect(attached).toHaveLength(1);
      expect(attached[0]!.metadata.actorRole).toBe('system');
    });

    it('imports a split-off copy whose import never happened', async () => {
      const [a] = await scan([3]);
      const newCopyId = randomUUID();
      await detachOnly(a!.copyId, [a!.pageIds[2]!], newCopyId, true);
      expect(errorCode(await admin.graphql(ADMIN_COPY, { c: newCopyId }))).toBe('NOT_FOUND');
      await sweep();
      const created = await adminCopy(newCopyId);
      expect(created.pages.map((page) => page.pageId)).toEqual([a!.pageIds[2]]);
      expect(created.anonymousCode).toMatch(/^K-/);
    });

    it('passes the pages on to the copy a target was merged into meanwhile', async () => {
      const [a, b, c] = await scan([2, 1, 1]);
      await detachOnly(a!.copyId, [a!.pageIds[1]!], b!.copyId);
      ok(await admin.graphql(MERGE, { t: c!.copyId, s: b!.copyId }));
      await sweep();
      await api.runner.waitFor((await api.runtime.store.head())!.position, ['copies'], 5000);
      expect(await pageIdsOf(c!.copyId)).toEqual([...c!.pageIds, ...b!.pageIds, a!.pageIds[1]]);
    });
  });

  describe('settling first pages, on a real class scan', () => {
    type DeskCopy = {
      copyId: string;
      engine: string | null;
      headerImageUrl: string | null;
      pages: { pageId: string }[];
      student: { studentId: string } | null;
      candidates: { student: { id: string }; taken: boolean }[];
    };
    const DESK = `query($e: ID!) { identificationDesk(examId: $e, filter: ALL, first: 50) { items {
      copyId engine headerImageUrl pages { pageId } student { studentId } candidates { student { id } taken } } } }`;
    const IDENTIFY = `mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`;
    const REASON = 'La première page de la copie a changé : identification à refaire.';
    let classScan: ClassScan;
    let exam: string;
    /** The copies in scan order as imported, each identified as its student; and those students. */
    let copies: DeskCopy[];
    let students: string[];

    const desk = async (): Promise<Map<string, DeskCopy>> =>
      new Map(
        ok(await admin.graphql<{ identificationDesk: { items: DeskCopy[] } }>(DESK, { e: exam })).identificationDesk.items.map((copy) => [
          copy.copyId,
          copy,
        ]),
      );
    const deskCopy = async (copyId: string): Promise<DeskCopy> => (await desk()).get(copyId)!;
    /** The digest of the header crop the desk shows (its URL names the copy, not the crop). */
    const cropOf = async (copy: DeskCopy): Promise<string> => {
      const cookie = ['korrigo_session', 'korrigo_csrf'].map((name) => `${name}=${admin.cookie(name)}`).join('; ');
      const response = await fetch(`${api.base}${copy.headerImageUrl!}`, { headers: { cookie } });
      expect(response.status).toBe(200);
      return createHash('sha256')
        .update(new Uint8Array(await response.arrayBuffer()))
        .digest('hex');
    };
    let crops: string[];
    const eventsOf = async (copyId: string) => await api.runtime.store.readStream(copyStreamId(copyId));
    const studentIdOf = async ({ lastName, firstName }: { lastName: string; firstName: string }): Promise<string> => {
      const { students: roster } = ok(
        await admin.graphql<{ students: { studentId: string; lastName: string; firstName: string }[] }>(
          `query($c: String) { students(className: $c) { studentId lastName firstName } }`,
          { c: classScan.roster[0]!.className },
        ),
      );
      const found = roster.find((student) => student.lastName === lastName && student.firstName === firstName);
      if (!found) throw new Error(`${lastName} ${firstName} is not in the roster`);
      return found.studentId;
    };

    beforeAll(async () => {
      classScan = await generateClassScan({ style: 'printed', copies: 4, pagesPerCopy: 2, dpi: 150, seed: 41 });
      expect((await importRoster(admin, classScan.rosterCsv)).errors).toBe(0);
      exam = await createExamFor(admin, classScan.roster[0]!.className, 'Bac blanc : premières pages');
      const answer = await uploadScan(api.base, admin, exam, [{ name: 'classe.pdf', bytes: classScan.pdf }], { pagesPerCopy: '2' });
      expect(answer.status).toBe(202);
      const [done] = await waitForScans(admin, exam, [String(answer.body.scanId)]);
      expect(done!.stage).toBe('COMPLETED');
      students = await Promise.all(classScan.truth.copies.map((copy) => studentIdOf(copy.student)));
      const inScanOrder = async () => [...(await desk()).values()];
      copies = await inScanOrder();
      expect(copies).toHaveLength(4);
      // Identified as the right student: automatically where OCR was sure, by hand otherwise.
      for (const [index, copy] of copies.entries()) {
        if (copy.student === null) ok(await admin.graphql(IDENTIFY, { c: copy.copyId, s: students[index] }));
      }
      copies = await inScanOrder();
      expect(copies.map((copy) => copy.student?.studentId)).toEqual(students);
      expect(copies.every((copy) => copy.headerImageUrl !== null)).toBe(true);
      crops = await Promise.all(copies.map(cropOf));
    }, 300_000);

    it('leaves identifications and header crops alone when no copy’s first page changes', async () => {
      const [, , from, to] = copies as [DeskCopy, DeskCopy, DeskCopy, DeskCopy];
      ok(await admin.graphql(MOVE, { p: from.pages[1]!.pageId, t: to.copyId }));
      const after = await desk();
      expect(after.get(to.copyId)!.pages.map((page) => page.pageId)).toEqual([...to.pages, from.pages[1]!].map((page) => page.pageId));
      for (const [index, copy] of [from, to].entries()) {
        expect(after.get(copy.copyId)!.student?.studentId).toBe(copy.student!.studentId);
        expect(await cropOf(after.get(copy.copyId)!)).toBe(crops[2 + index]);
        const types = (await eventsOf(copy.copyId)).map((event) => event.type);
        expect(types.slice(types.lastIndexOf(copy === from ? 'PagesDetached' : 'PagesAttached'))).toHaveLength(1);
      }
    });

    describe('moving a copy’s first page to the front of another copy', () => {
      let source: DeskCopy;
      let target: DeskCopy;

      beforeAll(async () => {
        [source, target] = copies as [DeskCopy, DeskCopy];
        ok(await admin.graphql(MOVE, { p: source.pages[0]!.pageId, t: target.copyId, at: 0 }));
      }, 120_000);

      it('clears the identification of the copy that lost it, and frees its student', async () => {
        const after = await desk();
        expect(after.get(source.copyId)!.student).toBeNull();
        expect([...after.values()].map((copy) => copy.student?.studentId)).not.toContain(students[0]);
        const cleared = (await eventsOf(source.copyId)).filter((event) => event.type === 'IdentificationCleared');
        expect(cleared.map((event) => event.data)).toEqual([expect.objectContaining({ studentId: students[0], reason: REASON })]);
        // The copy that now holds the student's header offers them, free.
        expect(after.get(target.copyId)!.candidates).toContainEqual({ student: { id: students[0] }, taken: false });
      });

      it('reads the header of the copy that received it as first page, for the desk, without identifying it', async () => {
        const moved = await deskCopy(target.copyId);
        expect(moved.pages[0]!.pageId).toBe(source.pages[0]!.pageId);
        expect(moved.student).toBeNull();
        expect(moved.engine).toMatch(/tesseract/);
        expect(await cropOf(moved)).not.toBe(crops[1]);
        expect(moved.candidates.map((candidate) => candidate.student.id)).toContain(students[0]);
        const types = (await eventsOf(target.copyId)).map((event) => event.type);
        expect(types.slice(types.lastIndexOf('PagesAttached'))).toEqual(['PagesAttached', 'IdentificationCleared', 'HeaderRead']);
        // The desk's answer is accepted: the student the sheet names was released by the other copy.
        ok(await admin.graphql(IDENTIFY, { c: target.copyId, s: students[0] }));
        expect((await deskCopy(target.copyId)).student?.studentId).toBe(students[0]);
      }, 120_000);
    });

    it('clears the identification when a reorder puts another page first, and reads the right header once put back', async () => {
      const copy = copies[3]!;
      const pageIds = (await deskCopy(copy.copyId)).pages.map((page) => page.pageId);
      const swapped = [pageIds[1]!, pageIds[0]!, ...pageIds.slice(2)];
      ok(await admin.graphql(REORDER, { c: copy.copyId, p: swapped }));
      const reordered = await deskCopy(copy.copyId);
      expect(reordered.student).toBeNull();
      expect(await cropOf(reordered)).not.toBe(crops[3]);
      const cleared = (await eventsOf(copy.copyId)).filter((event) => event.type === 'IdentificationCleared');
      expect(cleared.map((event) => event.data)).toEqual([expect.objectContaining({ studentId: students[3], reason: REASON })]);
      ok(await admin.graphql(REORDER, { c: copy.copyId, p: pageIds }));
      const restored = await deskCopy(copy.copyId);
      expect(restored.student).toBeNull();
      expect(restored.candidates).toContainEqual({ student: { id: students[3] }, taken: false });
      ok(await admin.graphql(IDENTIFY, { c: copy.copyId, s: students[3] }));
    }, 120_000);

    it('reads the header of a split-off copy for the desk, and keeps the identification of the copy it left', async () => {
      // The second copy now holds the first student's first page, then its own two pages.
      const whole = await deskCopy(copies[1]!.copyId);
      expect(whole.student?.studentId).toBe(students[0]);
      const { splitCopy } = ok(await admin.graphql<{ splitCopy: AdminCopy[] }>(SPLIT, { c: whole.copyId, p: copies[1]!.pages[0]!.pageId }));
      const after = await desk();
      expect(after.get(whole.copyId)!.student?.studentId).toBe(students[0]);
      const created = after.get(splitCopy[1]!.copyId)!;
      expect(created.pages.map((page) => page.pageId)).toEqual(copies[1]!.pages.map((page) => page.pageId));
      expect(created).toMatchObject({ student: null, engine: expect.stringMatching(/tesseract/) });
      expect(created.candidates).toContainEqual({ student: { id: students[1] }, taken: false });
      expect(await cropOf(created)).not.toBe(await cropOf(after.get(whole.copyId)!));
    }, 120_000);
  });

  const progress = async () =>
    ok(
      await admin.graphql<{ identificationProgress: { total: number; manual: number } }>(
        `query($e: ID!) { identificationProgress(examId: $e) { total manual } }`,
        { e: examId },
      ),
    ).identificationProgress;
});
