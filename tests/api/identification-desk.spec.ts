import { randomUUID } from 'node:crypto';
import { type HeaderCandidate, copyDecider, copyStreamId } from '#domain';
import { executeCommand } from '../../apps/api/src/shared/execute-command.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { IMPORT_COPIES } from '../support/copy-fixtures.js';
import { errorCode, importRoster, ok, pronoteFile, signedInStaff } from '../support/school-fixtures.js';
import { subscribe } from '../support/ws-client.js';

/** The identification desk (issue 4 part 4) as the exam office's portal drives it, on a real roster and real reads. */

const DESK_FIELDS = `examId nextCursor progress { total auto manual left }
  items { copyId anonymousCode status pageNumbers pages { pageId number imageUrl } flags { reason note } headerImageUrl text confidence engine
    identificationMethod student { studentId lastName }
    candidates { score taken takenByAnonymousCode student { id lastName firstName className birthDate } } }`;
const DESK = `query($e: ID!, $f: DeskFilter, $n: Int, $a: String) { identificationDesk(examId: $e, filter: $f, first: $n, after: $a) { ${DESK_FIELDS} } }`;
const SEARCH = `query($e: ID!, $t: String!, $n: Int) { rosterSearch(examId: $e, text: $t, first: $n) { taken takenByAnonymousCode score student { id lastName firstName className } } }`;
const IDENTIFY = `mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { anonymousCode student { lastName } } }`;
const CLEAR = `mutation($c: ID!) { clearIdentification(copyId: $c, reason: "Mauvaise lecture") { student { lastName } } }`;

type Candidate = {
  score: number | null;
  taken: boolean;
  takenByAnonymousCode: string | null;
  student: { id: string; lastName: string; birthDate: string; className: string };
};
type DeskItem = {
  copyId: string;
  anonymousCode: string;
  pageNumbers: number[];
  pages: { imageUrl: string | null }[];
  headerImageUrl: string | null;
  text: string | null;
  confidence: number | null;
  engine: string | null;
  student: { lastName: string } | null;
  identificationMethod: string | null;
  candidates: Candidate[];
};
type Desk = { nextCursor: string | null; progress: { total: number; auto: number; manual: number; left: number }; items: DeskItem[] };

describe('the identification desk', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let examId: string;
  let copies: { copyId: string; anonymousCode: string }[];
  const students: Record<'kerguelen' | 'legoff' | 'legrand' | 'goffic', string> = { kerguelen: '', legoff: '', legrand: '', goffic: '' };

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    const report = await importRoster(
      admin,
      pronoteFile([
        'KERGUELEN Maëlys;03/04/2008;;TG1;',
        'LE GOFF Titouan;17/11/2008;;TG1;',
        'LEGRAND Éloïse;21/06/2008;;TG1;',
        'GOFFIC Léo;02/02/2008;;TG2;',
      ]),
    );
    const ids = report.lines.map((line) => line.studentId!);
    Object.assign(students, { kerguelen: ids[0], legoff: ids[1], legrand: ids[2], goffic: ids[3] });
    const { createExam } = ok(
      await admin.graphql<{ createExam: { examId: string } }>(
        `mutation { createExam(title: "Bac blanc de français", subject: "Français", date: "2025-02-11", classNames: ["TG1"]) { examId } }`,
      ),
    );
    examId = createExam.examId;
    // Four copies of two pages, imported in one go (in parallel on the server): the desk gives them back in page order.
    const imported = ok(
      await admin.graphql<{ importCopies: { copyId: string; anonymousCode: string }[] }>(IMPORT_COPIES, {
        examId,
        scanId: randomUUID(),
        copies: [0, 1, 2, 3].map((index) => ({
          pages: [1, 2].map((page) => ({ pageId: randomUUID(), number: index * 2 + page, imageBlobKey: 'a'.repeat(64) })),
        })),
      }),
    ).importCopies;
    copies = imported;
    const crop = (await api.runtime.blobs.put(Buffer.from('89504e470d0a1a0a', 'hex'))).key;
    await readHeader(copies[0]!.copyId, 'KERGUELEN Maëlys TG1', 0.62, [{ studentId: students.kerguelen, score: 0.81 }], crop);
    await readHeader(copies[1]!.copyId, 'KER... Maë', 0.31, [
      { studentId: students.kerguelen, score: 0.55 },
      { studentId: students.legrand, score: 0.2 },
    ]);
    await readHeader(copies[2]!.copyId, 'Le Goff T.', 0.7, [{ studentId: students.legoff, score: 0.77 }]);
  });
  afterAll(async () => {
    await api?.close();
  });

  const readHeader = async (copyId: string, text: string, confidence: number, candidates: HeaderCandidate[], imageBlobKey?: string) => {
    const system = { actorId: 'scan-pipeline', actorRole: 'system' } as const;
    const data = { engine: 'tesseract.js-7/fra+eng', text, confidence, candidates, ...(imageBlobKey ? { imageBlobKey } : {}) };
    const done = await executeCommand(
      api.runtime.store,
      copyStreamId(copyId),
      copyDecider,
      { type: 'RecordHeaderRead', data, metadata: { ...system, now: new Date().toISOString() } },
      system,
    );
    await api.runner.waitFor(done.position!, ['copies'], 5000);
  };
  const desk = async (variables: Record<string, unknown> = {}): Promise<Desk> =>
    ok(await admin.graphql<{ identificationDesk: Desk }>(DESK, { e: examId, ...variables })).identificationDesk;
  const item = (found: Desk, index: number): DeskItem => found.items.find((entry) => entry.copyId === copies[index]!.copyId)!;

  it('lists the copies left to identify in scan order, with what OCR read and the candidates’ roster details', async () => {
    const found = await desk();
    expect(found.progress).toEqual({ total: 4, auto: 0, manual: 0, left: 4 });
    expect(found.items.map((entry) => entry.copyId)).toEqual(copies.map((copy) => copy.copyId));
    expect(found.items.map((entry) => entry.pageNumbers)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const first = item(found, 0);
    expect(first).toMatchObject({ text: 'KERGUELEN Maëlys TG1', confidence: 0.62, engine: 'tesseract.js-7/fra+eng' });
    expect(first.headerImageUrl).toBe(`/api/files/copies/${copies[0]!.copyId}/header`);
    expect(first.pages.every((page) => page.imageUrl?.startsWith('/api/files/pages/'))).toBe(true);
    expect(first.candidates).toEqual([
      {
        score: 0.81,
        taken: false,
        takenByAnonymousCode: null,
        student: { id: students.kerguelen, lastName: 'KERGUELEN', firstName: 'Maëlys', className: 'TG1', birthDate: '2008-04-03' },
      },
    ]);
    expect(item(found, 1).candidates.map((c) => c.student.lastName)).toEqual(['KERGUELEN', 'LEGRAND']);
    expect(item(found, 3)).toMatchObject({ text: null, confidence: null, headerImageUrl: null, candidates: [] });
  });

  it('marks a candidate identified on another copy as taken, naming that copy', async () => {
    ok(await admin.graphql(IDENTIFY, { c: copies[0]!.copyId, s: students.kerguelen }));
    const found = await desk();
    expect(found.progress).toEqual({ total: 4, auto: 0, manual: 1, left: 3 });
    expect(found.items.map((entry) => entry.copyId)).not.toContain(copies[0]!.copyId);
    expect(item(found, 1).candidates[0]).toMatchObject({ taken: true, takenByAnonymousCode: copies[0]!.anonymousCode });
    expect(item(found, 1).candidates[1]).toMatchObject({ taken: false });
  });

  it('refuses the same student on a second copy with a CONFLICT naming the copy that has them', async () => {
    const result = await admin.graphql(IDENTIFY, { c: copies[1]!.copyId, s: students.kerguelen });
    expect(errorCode(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toContain(copies[0]!.anonymousCode);
  });

  it('refuses another student on a copy already identified until it is cleared', async () => {
    const result = await admin.graphql(IDENTIFY, { c: copies[0]!.copyId, s: students.legrand });
    expect(errorCode(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toMatch(/KERGUELEN/);
  });

  it('frees the student when the identification is cleared, so the desk can give them to the right copy', async () => {
    ok(await admin.graphql(CLEAR, { c: copies[0]!.copyId }));
    expect(item(await desk(), 1).candidates[0]).toMatchObject({ taken: false, takenByAnonymousCode: null });
    const { identifyCopy } = ok(
      await admin.graphql<{ identifyCopy: { student: { lastName: string } } }>(IDENTIFY, { c: copies[1]!.copyId, s: students.kerguelen }),
    );
    expect(identifyCopy.student.lastName).toBe('KERGUELEN');
    expect((await desk()).progress).toEqual({ total: 4, auto: 0, manual: 1, left: 3 });
  });

  it('shows every copy with its student when asked for all', async () => {
    const found = await desk({ f: 'ALL' });
    expect(found.items).toHaveLength(4);
    expect(item(found, 1)).toMatchObject({ student: { lastName: 'KERGUELEN' }, identificationMethod: 'manual' });
    expect(item(found, 0).student).toBeNull();
  });

  it('pages through the desk with a cursor, each copy once', async () => {
    const first = await desk({ f: 'ALL', n: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const rest = await desk({ f: 'ALL', n: 3, a: first.nextCursor });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].map((entry) => entry.copyId)).toEqual(copies.map((copy) => copy.copyId));
    expect(errorCode(await admin.graphql(DESK, { e: examId, a: 'pas-un-curseur' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.graphql(DESK, { e: examId, n: 0 }))).toBe('BAD_USER_INPUT');
  });

  describe('the type-ahead', () => {
    const search = async (text: string, first?: number) =>
      ok(await admin.graphql<{ rosterSearch: Candidate[] }>(SEARCH, { e: examId, t: text, n: first })).rosterSearch;

    it('finds students of the exam’s classes by the start of a surname or first name, ignoring case and accents', async () => {
      expect((await search('le go')).map((c) => c.student.lastName)).toEqual(['LE GOFF']);
      expect((await search('eloise')).map((c) => c.student.lastName)).toEqual(['LEGRAND']);
      expect((await search('LE')).map((c) => c.student.lastName)).toEqual(['LE GOFF', 'LEGRAND']);
      expect(await search('goffic')).toEqual([]);
    });

    it('says who is already taken, and by which copy', async () => {
      const [kerguelen] = await search('kerg');
      expect(kerguelen).toMatchObject({ taken: true, takenByAnonymousCode: copies[1]!.anonymousCode, score: null });
    });

    it('keeps to the number asked', async () => {
      expect(await search('le', 1)).toHaveLength(1);
      expect(errorCode(await admin.graphql(SEARCH, { e: examId, t: 'le', n: 500 }))).toBe('BAD_USER_INPUT');
    });
  });

  it('is the exam office’s only', async () => {
    const teacher = await signedInStaff(api, admin, 'TEACHER', 'prof.desk@lycee.test');
    expect(errorCode(await teacher.client.graphql(DESK, { e: examId }))).toBe('FORBIDDEN');
    expect(errorCode(await teacher.client.graphql(SEARCH, { e: examId, t: 'le' }))).toBe('FORBIDDEN');
  });

  it('tells a subscribed desk when it changes', async () => {
    const live = subscribe<{ identificationDeskChanged: { progress: { manual: number; left: number }; changedAt: string } }>(
      api,
      admin,
      'subscription($e: ID!) { identificationDeskChanged(examId: $e) { progress { manual left } changedAt } }',
      { e: examId },
    );
    try {
      const first = (await live.next()).data!.identificationDeskChanged;
      expect(first.progress).toEqual({ manual: 1, left: 3 });
      await readHeader(copies[3]!.copyId, 'LEGRAND', 0.5, [{ studentId: students.legrand, score: 0.6 }]);
      const second = (await live.next()).data!.identificationDeskChanged;
      expect(second.progress).toEqual({ manual: 1, left: 3 });
      expect(Date.parse(second.changedAt)).toBeGreaterThan(Date.parse(first.changedAt));
    } finally {
      await live.close();
    }
  });
});
