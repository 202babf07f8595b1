import { checksumTables, copiesProjection, rebuildProjection } from '#projections';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { errorCode, ok, signedInStaff } from '../support/school-fixtures.js';
import {
  type ImportedCopy,
  assignCopy,
  awardScore,
  correctedPdfsSettled,
  createExam,
  finalizeCopy,
  importCopies,
  lockCopy,
  publishResults,
  signedInStudent,
} from '../support/copy-fixtures.js';

type Reopening = { reason: string; at: string; by: string | null } | null;

const REOPENED = 'reopened { reason at by }';
const REASON = 'Réclamation de l’élève : exercice 2 mal compté';

describe('a reopened copy, as its corrector sees it', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  let examId: string;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'martin@lycee.test');
    examId = await createExam(api, [teacher.userId]);
  });
  afterAll(async () => {
    await api?.close();
  });

  const scoreAll = async (copyId: string, q2 = 8) => {
    for (const [question, points] of [
      ['q1a', 3],
      ['q1b', 4.5],
      ['q2', q2],
    ] as const)
      ok(await awardScore(teacher.client, copyId, question, points));
  };
  /** A copy of `teacher`'s lot, corrected and finalised. */
  const finalisedCopy = async (): Promise<ImportedCopy> => {
    const [copy] = await importCopies(admin, examId, 1);
    await assignCopy(api, copy!.copyId, teacher.userId);
    ok(await lockCopy(teacher.client, copy!.copyId));
    await scoreAll(copy!.copyId);
    ok(await finalizeCopy(teacher.client, copy!.copyId));
    return copy!;
  };
  const reopen = (copyId: string, reason = REASON) =>
    admin.graphql<{ reopenCopy: { reopened: Reopening } }>(
      `mutation($c: ID!, $r: String!) { reopenCopy(copyId: $c, reason: $r) { ${REOPENED} } }`,
      { c: copyId, r: reason },
    );
  const inLot = async (copyId: string): Promise<Reopening> => {
    const { myCopies } = ok(
      await teacher.client.graphql<{ myCopies: { copyId: string; reopened: Reopening }[] }>(
        `query($e: ID) { myCopies(examId: $e) { copyId ${REOPENED} } }`,
        { e: examId },
      ),
    );
    const found = myCopies.find((copy) => copy.copyId === copyId);
    if (!found) throw new Error(`copy ${copyId} not in the lot`);
    return found.reopened;
  };
  const inWorkspace = async (copyId: string): Promise<Reopening> =>
    ok(
      await teacher.client.graphql<{ copy: { reopened: Reopening } }>(`query($c: ID!) { copy(copyId: $c) { ${REOPENED} } }`, { c: copyId }),
    ).copy.reopened;
  const forAdmin = async (copyId: string): Promise<Reopening[]> => {
    const { adminCopy, copies } = ok(
      await admin.graphql<{ adminCopy: { reopened: Reopening }; copies: { copyId: string; reopened: Reopening }[] }>(
        `query($c: ID!, $e: ID!) { adminCopy(copyId: $c) { ${REOPENED} } copies(examId: $e) { copyId ${REOPENED} } }`,
        { c: copyId, e: examId },
      ),
    );
    return [adminCopy.reopened, copies.find((copy) => copy.copyId === copyId)?.reopened ?? null];
  };

  it('carries nothing on a copy never reopened', async () => {
    const copy = await finalisedCopy();
    expect(await inLot(copy.copyId)).toBeNull();
    expect(await inWorkspace(copy.copyId)).toBeNull();
    expect(await forAdmin(copy.copyId)).toEqual([null, null]);
  });

  it('shows the reason, the date and the admin’s name in the lot and the workspace until the copy is finalised again', async () => {
    const copy = await finalisedCopy();
    const before = Date.now();
    const { reopenCopy } = ok(await reopen(copy.copyId));
    const expected = { reason: REASON, by: 'Administrateur', at: expect.any(String) as unknown };
    expect(reopenCopy.reopened).toEqual(expected);
    const at = Date.parse(reopenCopy.reopened!.at);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);

    expect(await inLot(copy.copyId)).toEqual(reopenCopy.reopened);
    expect(await inWorkspace(copy.copyId)).toEqual(reopenCopy.reopened);
    expect(await forAdmin(copy.copyId)).toEqual([reopenCopy.reopened, reopenCopy.reopened]);

    // Taking the copy again (a new lock moves lock_change_reason on) keeps the reopening in view.
    ok(await lockCopy(teacher.client, copy.copyId));
    ok(await awardScore(teacher.client, copy.copyId, 'q2', 10));
    expect(await inWorkspace(copy.copyId)).toEqual(reopenCopy.reopened);

    ok(await finalizeCopy(teacher.client, copy.copyId));
    expect(await inLot(copy.copyId)).toBeNull();
    expect(await inWorkspace(copy.copyId)).toBeNull();
    expect(await forAdmin(copy.copyId)).toEqual([null, null]);
  });

  it('shows the latest reopening when a copy is reopened twice', async () => {
    const copy = await finalisedCopy();
    ok(await reopen(copy.copyId, 'Première réclamation'));
    ok(await lockCopy(teacher.client, copy.copyId));
    ok(await finalizeCopy(teacher.client, copy.copyId));
    ok(await reopen(copy.copyId, 'Seconde réclamation'));
    expect(await inLot(copy.copyId)).toMatchObject({ reason: 'Seconde réclamation', by: 'Administrateur' });
  });

  it('never reaches the student: their result has no such field and never carries the reason', async () => {
    const student = await signedInStudent(api, { lastName: 'Lefèvre', firstName: 'Inès' });
    const copy = await finalisedCopy();
    ok(
      await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, {
        c: copy.copyId,
        s: student.studentId,
      }),
    );
    await publishResults(api, examId);
    const results = `{ myResults { copyId total appreciation questions { questionId points remark } } }`;
    expect(ok(await student.client.graphql<{ myResults: { copyId: string }[] }>(results)).myResults.map((r) => r.copyId)).toEqual([
      copy.copyId,
    ]);

    ok(await reopen(copy.copyId));
    ok(await lockCopy(teacher.client, copy.copyId));
    ok(await finalizeCopy(teacher.client, copy.copyId));
    const after = await student.client.graphql<{ myResults: { copyId: string }[] }>(results);
    expect(ok(after).myResults.map((r) => r.copyId)).toEqual([copy.copyId]);
    expect(JSON.stringify(after)).not.toContain('Réclamation');

    expect(errorCode(await student.client.graphql(`{ myResults { copyId ${REOPENED} } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorCode(await student.client.graphql(`query($c: ID!) { copy(copyId: $c) { ${REOPENED} } }`, { c: copy.copyId }))).toBe(
      'FORBIDDEN',
    );
  });

  it('is rebuilt from the events to the very same rows', async () => {
    const open = await finalisedCopy();
    ok(await reopen(open.copyId));
    const closed = await finalisedCopy();
    ok(await reopen(closed.copyId, 'Erreur de report'));
    ok(await lockCopy(teacher.client, closed.copyId));
    ok(await finalizeCopy(teacher.client, closed.copyId));
    const reopenings = async () =>
      (
        await api.runtime.pool.query<{ copy_id: string; reopened: unknown }>(
          `SELECT copy_id, reopened FROM copies WHERE copy_id = ANY($1) ORDER BY copy_id`,
          [[open.copyId, closed.copyId]],
        )
      ).rows;
    const checksums = async () => {
      const db = await api.runtime.pool.connect();
      try {
        return await checksumTables(db, copiesProjection);
      } finally {
        db.release();
      }
    };
    await correctedPdfsSettled(api); // the PDF processor writes after a finalisation: start from a settled store
    const before = { sums: await checksums(), rows: await reopenings() };
    expect(before.rows.find((row) => row.copy_id === open.copyId)?.reopened).toMatchObject({ reason: REASON });
    expect(before.rows.find((row) => row.copy_id === closed.copyId)?.reopened).toBeNull();

    await rebuildProjection(api.runtime.pool, copiesProjection);
    // The runner hears of the reset by notification, then replays: wait for the rows to come back.
    const deadline = Date.now() + 15_000;
    let after = { sums: await checksums(), rows: await reopenings() };
    while (JSON.stringify(after) !== JSON.stringify(before) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = { sums: await checksums(), rows: await reopenings() };
    }
    expect(after).toEqual(before);
  });
});
