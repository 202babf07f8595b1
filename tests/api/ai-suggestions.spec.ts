import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import pg from 'pg';
import { copyDecider, copyStreamId } from '#domain';
import { encodeCanvas } from '#ocr';
import { AiSuggestionProcessor } from '../../apps/api/src/ai-suggestions/ai-suggestion.processor.js';
import { executeCommand } from '../../apps/api/src/shared/execute-command.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import {
  COPY_FIELDS,
  IMPORT_COPIES,
  assignCopy,
  awardScore,
  createExam,
  finalizeCopy,
  lockCopy,
  signedInStudent,
} from '../support/copy-fixtures.js';
import { FakeOpenAi, completion, httpError, imagesOf } from '../support/fake-openai.js';
import { NEW_PASSWORD, errorCode, ok, signedInStaff } from '../support/school-fixtures.js';
import { type TestDatabase, createTestDatabase } from '../support/pg.js';
import { subscribe } from '../support/ws-client.js';

/**
 * AI-suggested scores (issue 6) through the real API, against a local OpenAI-compatible server that
 * checks what it receives (images, masked header, schema, no name) and answers well, badly or slowly.
 */
const ENV = {
  OPENAI_API_KEY: 'test-key',
  OPENAI_MODEL: 'local-vision',
  AI_TIMEOUT_MS: '1500',
  AI_MAX_ATTEMPTS: '2',
  AI_RETRY_BASE_MS: '50',
  AI_CONCURRENCY: '1',
  AI_QUEUE_LIMIT: '1',
  AI_RATE_PER_MINUTE: '3',
};
const REQUEST = `mutation($copyId: ID!) { requestAiSuggestions(copyId: $copyId) { requestId status model } }`;
const LATEST = `query($copyId: ID!) { aiSuggestions(copyId: $copyId) { requestId status model failureCode failureMessage attempts latencyMs comment
  scaleVersion suggestions { questionId points justification confidence decision reviewedPoints } } }`;
const REVIEW = `mutation($copyId: ID!, $requestId: ID!, $questionId: ID!, $decision: AiReviewDecision!, $points: Float) {
  reviewAiSuggestion(copyId: $copyId, requestId: $requestId, questionId: $questionId, decision: $decision, points: $points) {
    suggestions { questionId decision reviewedPoints } } }`;
const ANSWER_KEY = 'Exercice 2 : la dérivée de x² est 2x.';

type Latest = {
  requestId: string;
  status: string;
  failureCode: string | null;
  failureMessage: string | null;
  attempts: number | null;
  comment: string | null;
  suggestions: { questionId: string; points: number; decision: string | null; reviewedPoints: number | null }[];
};

describe('AI-suggested scores', () => {
  const saved: Record<string, string | undefined> = {};
  let provider: FakeOpenAi;
  let api: ApiHarness;
  let admin: ApiClient;
  let teacher: { client: ApiClient; userId: string };
  let pageWithName: Buffer;

  beforeAll(async () => {
    provider = await new FakeOpenAi().start();
    for (const [name, value] of Object.entries({ ...ENV, OPENAI_BASE_URL: provider.baseURL })) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    api = await startApi();
    admin = await api.admin();
    teacher = await signedInStaff(api, admin, 'TEACHER', 'lebreton@lycee.test');
    pageWithName = await pageImage(true);
  });
  afterAll(async () => {
    await api.close();
    await provider.stop();
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });
  beforeEach(() => (provider.calls.length = 0));

  /** An exam (its own rate budget) with `count` copies of the teacher's lot, locked by them (on `on`, another API). */
  const lockedCopies = async (
    count: number,
    options: { maskedVariant?: boolean; on?: { api: ApiHarness; admin: ApiClient; teacher: { client: ApiClient; userId: string } } } = {},
  ) => {
    const on = options.on ?? { api, admin, teacher };
    const examId = await createExam(on.api, [on.teacher.userId]);
    ok(
      await on.admin.graphql(`mutation($e: ID!, $t: String!) { defineAnswerKey(examId: $e, text: $t) { text } }`, {
        e: examId,
        t: ANSWER_KEY,
      }),
    );
    const first = (await on.api.runtime.blobs.put(pageWithName)).key;
    const masked = (await on.api.runtime.blobs.put(await pageImage(false))).key;
    const second = (await on.api.runtime.blobs.put(await pageImage(false, true))).key;
    const copies = Array.from({ length: count }, () => ({
      pages: [
        { pageId: randomUUID(), number: 1, imageBlobKey: first, ...(options.maskedVariant ? { maskedImageBlobKey: masked } : {}) },
        { pageId: randomUUID(), number: 2, imageBlobKey: second },
      ],
    }));
    const { importCopies } = ok(
      await on.admin.graphql<{ importCopies: { copyId: string; anonymousCode: string }[] }>(IMPORT_COPIES, {
        examId,
        scanId: randomUUID(),
        copies,
      }),
    );
    for (const { copyId } of importCopies) {
      await assignCopy(on.api, copyId, on.teacher.userId);
      ok(await lockCopy(on.teacher.client, copyId));
    }
    return { examId, copies: importCopies, maskedKey: masked };
  };

  const settle = async (copyId: string, client = teacher.client): Promise<Latest> => {
    for (let i = 0; i < 200; i++) {
      const latest = ok(await client.graphql<{ aiSuggestions: Latest }>(LATEST, { copyId })).aiSuggestions;
      if (latest.status !== 'PENDING') return latest;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the request never left PENDING');
  };

  describe('a good answer', () => {
    it('sends the masked pages, the scale, the answer key and the schema, never a name, and shows the suggestions', async () => {
      const { copies } = await lockedCopies(1);
      const copyId = copies[0]!.copyId;
      const student = await signedInStudent(api, { lastName: 'Kerhervé', firstName: 'Maïwenn' });
      await identify(api, copyId, student.studentId);
      provider.answer = completion(good());

      const requested = ok(await teacher.client.graphql<{ requestAiSuggestions: { status: string; model: string } }>(REQUEST, { copyId }));
      // The local model answers within a millisecond: the answer may already be recorded when the mutation reads it back.
      expect(requested.requestAiSuggestions).toEqual({
        requestId: expect.any(String),
        status: expect.stringMatching(/^(PENDING|PRODUCED)$/),
        model: 'local-vision',
      });
      const latest = await settle(copyId);

      expect(latest).toMatchObject({ status: 'PRODUCED', attempts: 1, comment: 'Copie claire.', failureCode: null });
      expect(latest.suggestions.map((s) => [s.questionId, s.points, s.decision])).toEqual([
        ['q1a', 3.5, null],
        ['q1b', 4.75, null],
        ['q2', 7, null],
      ]);
      const [call] = provider.calls;
      expect(call?.path).toBe('/v1/chat/completions');
      expect(call?.authorization).toBe('Bearer test-key');
      expect(call?.body.model).toBe('local-vision');
      expect(call?.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });
      const schema = JSON.stringify(call?.body.response_format.json_schema.schema);
      expect(schema).toContain('"enum":["q1a","q1b","q2"]');
      expect(call?.raw).toContain('la dérivée de x² est 2x');
      for (const secret of ['Kerhervé', 'Maïwenn', student.studentId, copyId, copies[0]!.anonymousCode])
        expect(call?.raw).not.toContain(secret);
      const images = imagesOf(call!);
      expect(images).toHaveLength(2);
      expect(images.every((url) => /^data:image\/(jpeg|webp|png);base64,/.test(url))).toBe(true);
      expect(await darkShare(pageWithName, 0, 0.25)).toBeGreaterThan(0.05); // the check below could fail
      expect(await darkShare(decode(images[0]!), 0, 0.25)).toBe(0);
      expect(await darkShare(decode(images[1]!), 0.5, 0.62)).toBeGreaterThan(0.05);
    });

    it('sends the stored masked variant of the first page when there is one', async () => {
      const { copies, maskedKey } = await lockedCopies(1, { maskedVariant: true });
      provider.answer = completion(good());
      ok(await teacher.client.graphql(REQUEST, { copyId: copies[0]!.copyId }));
      await settle(copies[0]!.copyId);
      const stored = await readBlob(api, maskedKey);
      expect(decode(imagesOf(provider.calls[0]!)[0]!).equals(stored)).toBe(true);
    });
  });

  describe('the workspace waiting for an answer', () => {
    it('hears the request go from pending to produced, so its spinner ends', async () => {
      const { copies } = await lockedCopies(1);
      const copyId = copies[0]!.copyId;
      const held: (() => void)[] = [];
      provider.answer = (call, response) => held.push(() => completion(good())(call, response));
      const live = subscribe<{ aiSuggestionChanged: { status: string } | null }>(
        api,
        teacher.client,
        `subscription($copyId: ID!) { aiSuggestionChanged(copyId: $copyId) { status } }`,
        { copyId },
      );
      try {
        expect((await live.next(5000)).data?.aiSuggestionChanged).toBeNull();
        ok(await teacher.client.graphql(REQUEST, { copyId }));
        expect((await live.next(5000)).data?.aiSuggestionChanged).toEqual({ status: 'PENDING' });
        while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        held.splice(0).forEach((release) => release());
        expect((await live.next(5000)).data?.aiSuggestionChanged).toEqual({ status: 'PRODUCED' });
      } finally {
        await live.close();
      }
    });
  });

  describe('an answer that cannot be trusted', () => {
    it.each([
      ['points out of range', good({ q2: 11 }), 'OUT_OF_RANGE', /« q2 » : 11 hors de 0 à 10/],
      ['a question missing', JSON.stringify({ suggestions: suggestions().slice(1), comment: '' }), 'MISSING_QUESTION', /q1a/],
      ['prose instead of JSON', 'Je mettrais 12/20.', 'NOT_JSON', /pas du JSON/],
    ])('is refused with its reason when it has %s, and scores nothing', async (_, content, code, message) => {
      const { examId, copies } = await lockedCopies(1);
      provider.answer = completion(content);
      ok(await teacher.client.graphql(REQUEST, { copyId: copies[0]!.copyId }));
      const latest = await settle(copies[0]!.copyId);
      expect(latest).toMatchObject({ status: 'FAILED', failureCode: code, suggestions: [] });
      expect(latest.failureMessage).toMatch(message);
      expect(provider.calls).toHaveLength(1); // a malformed answer is not retried
      const copy = ok(
        await teacher.client.graphql<{ copy: { scores: unknown[] } }>(`query($id: ID!) { copy(copyId: $id) { scores { questionId } } }`, {
          id: copies[0]!.copyId,
        }),
      );
      expect(copy.copy.scores).toEqual([]);
      const stats = ok(
        await admin.graphql<{ aiSuggestionStats: unknown }>(
          `query($e: ID!) { aiSuggestionStats(examId: $e) { failed tokensIn tokensOut } }`,
          {
            e: examId,
          },
        ),
      );
      expect(stats.aiSuggestionStats).toEqual({ failed: 1, tokensIn: 1500, tokensOut: 120 }); // a refused answer was still paid for
    });
  });

  describe('a provider in trouble', () => {
    it('gives up on a provider slower than the timeout after its retries, with a clear state', async () => {
      const { copies } = await lockedCopies(1);
      provider.answer = (_call, response) => provider.later(4_000, () => completion(good())(_call, response));
      ok(await teacher.client.graphql(REQUEST, { copyId: copies[0]!.copyId }));
      const latest = await settle(copies[0]!.copyId);
      expect(latest).toMatchObject({ status: 'FAILED', failureCode: 'TIMEOUT', attempts: 2 });
      expect(latest.failureMessage).toMatch(/pas de réponse du modèle en 1.5 s/);
      expect(provider.calls).toHaveLength(2);
    });

    it('retries a 500 and records the answer that follows', async () => {
      const { copies } = await lockedCopies(1);
      let calls = 0;
      provider.answer = (call, response) => (++calls === 1 ? httpError(500) : completion(good()))(call, response);
      ok(await teacher.client.graphql(REQUEST, { copyId: copies[0]!.copyId }));
      expect(await settle(copies[0]!.copyId)).toMatchObject({ status: 'PRODUCED', attempts: 2 });
    });

    it('closes at once a request left without outcome by a crash (nobody holds its lock) as interrupted', async () => {
      const { copies } = await lockedCopies(1);
      const copyId = copies[0]!.copyId;
      const actor = { actorId: teacher.userId, actorRole: 'teacher' as const };
      const command = {
        type: 'RequestAiSuggestion',
        data: { requestId: randomUUID(), model: 'local-vision' },
        metadata: { ...actor, now: new Date().toISOString() },
      } as const;
      await executeCommand(api.runtime.store, copyStreamId(copyId), copyDecider, command, actor);
      expect(await api.app.get(AiSuggestionProcessor).sweep()).toBe(1);
      expect(await settle(copyId)).toMatchObject({
        status: 'FAILED',
        failureCode: 'INTERRUPTED',
        failureMessage: expect.stringMatching(/interrompue/),
      });
    });
  });

  describe('limits', () => {
    it('refuses a fourth request on an exam within a minute, saying when to retry', async () => {
      const { copies } = await lockedCopies(4);
      provider.answer = completion(good());
      for (const { copyId } of copies.slice(0, 3)) {
        ok(await teacher.client.graphql(REQUEST, { copyId }));
        await settle(copyId);
      }
      const refused = await teacher.client.graphql(REQUEST, { copyId: copies[3]!.copyId });
      expect(errorCode(refused)).toBe('UNAVAILABLE');
      expect(refused.errors?.[0]?.message).toMatch(/Limite de 3 demandes par minute atteinte pour cet examen : réessayez dans \d+ s/);
      expect(ok(await teacher.client.graphql<{ aiSuggestions: null }>(LATEST, { copyId: copies[3]!.copyId })).aiSuggestions).toBeNull();
    });

    it('refuses a request beyond the waiting room and writes nothing for it', async () => {
      const { copies } = await lockedCopies(3);
      const held: (() => void)[] = [];
      provider.answer = (call, response) => held.push(() => completion(good())(call, response));
      for (const { copyId } of copies.slice(0, 2)) ok(await teacher.client.graphql(REQUEST, { copyId })); // one runs, one waits
      const refused = await teacher.client.graphql(REQUEST, { copyId: copies[2]!.copyId });
      expect(refused.errors?.[0]?.message).toMatch(/File d’attente pleine/);
      expect(ok(await teacher.client.graphql<{ aiSuggestions: null }>(LATEST, { copyId: copies[2]!.copyId })).aiSuggestions).toBeNull();
      provider.answer = completion(good());
      held.splice(0).forEach((release) => release());
      for (const { copyId } of copies.slice(0, 2)) expect((await settle(copyId)).status).toBe('PRODUCED');
    });
  });

  describe('reviews and the exam office’s figures', () => {
    it('records each decision, scores through the ordinary score, and measures acceptance and gaps', async () => {
      const { examId, copies } = await lockedCopies(1);
      const copyId = copies[0]!.copyId;
      provider.answer = completion(good());
      ok(await teacher.client.graphql(REQUEST, { copyId }));
      const { requestId } = await settle(copyId);
      const review = (questionId: string, decision: string, points?: number) =>
        teacher.client.graphql(REVIEW, { copyId, requestId, questionId, decision, points });
      ok(await review('q1a', 'ACCEPTED'));
      const withoutPoints = await review('q1b', 'EDITED');
      expect(errorCode(withoutPoints)).toBe('BAD_USER_INPUT');
      expect(withoutPoints.errors?.[0]?.message).toBe('Indiquez un nombre de points pour modifier la suggestion.'); // the panel shows it as is
      ok(await review('q1b', 'EDITED', 5));
      const last = ok(await review('q2', 'DISMISSED')) as { reviewAiSuggestion: { suggestions: unknown[] } };
      expect(last.reviewAiSuggestion.suggestions).toEqual([
        { questionId: 'q1a', decision: 'ACCEPTED', reviewedPoints: 3.5 },
        { questionId: 'q1b', decision: 'EDITED', reviewedPoints: 5 },
        { questionId: 'q2', decision: 'DISMISSED', reviewedPoints: null },
      ]);
      const scored = (await api.runtime.store.readStream(copyStreamId(copyId))).filter((event) => event.type === 'ScoreAwarded');
      expect(scored.map((event) => [event.data.questionId, event.data.points])).toEqual([
        ['q1a', 3.5],
        ['q1b', 5],
      ]);
      ok(await awardScore(teacher.client, copyId, 'q2', 9));
      ok(await finalizeCopy(teacher.client, copyId));

      const stats = ok(
        await admin.graphql<{ aiSuggestionStats: Record<string, unknown> }>(
          `query($e: ID!) { aiSuggestionStats(examId: $e) { requests produced failed accepted edited dismissed acceptanceRate averageGap comparedQuestions tokensIn tokensOut } }`,
          { e: examId },
        ),
      ).aiSuggestionStats;
      expect(stats).toEqual({
        requests: 1,
        produced: 1,
        failed: 0,
        accepted: 1,
        edited: 1,
        dismissed: 0 + 1,
        acceptanceRate: 1 / 3,
        averageGap: 0.75, // (|3.5 − 3.5| + |4.75 − 5| + |7 − 9|) / 3
        comparedQuestions: 3,
        tokensIn: 1500,
        tokensOut: 120,
      });
    });

    it('keeps students and other teachers out, and the statistics for the exam office', async () => {
      const { examId, copies } = await lockedCopies(1);
      const other = await signedInStaff(api, admin, 'TEACHER', 'riou@lycee.test');
      const student = await signedInStudent(api, { lastName: 'Tanguy', firstName: 'Nolwenn' });
      expect(errorCode(await other.client.graphql(LATEST, { copyId: copies[0]!.copyId }))).toBe('FORBIDDEN');
      expect(errorCode(await other.client.graphql(REQUEST, { copyId: copies[0]!.copyId }))).toBe('FORBIDDEN');
      expect(errorCode(await student.client.graphql(LATEST, { copyId: copies[0]!.copyId }))).toBe('FORBIDDEN');
      expect(errorCode(await teacher.client.graphql(`query($e: ID!) { aiSuggestionStats(examId: $e) { requests } }`, { e: examId }))).toBe(
        'FORBIDDEN',
      );
      expect(provider.calls).toEqual([]);
    });
  });

  describe('two API replicas on one database', () => {
    let db: TestDatabase;
    const blobDir = path.join(os.tmpdir(), `korrigo-blobs-${randomUUID()}`);
    const replicas: { api: ApiHarness; database: TestDatabase }[] = [];
    /** A replica: its own pool (named, so its sessions can be ended as a crash ends them) on the shared database and blobs. */
    const startReplica = async (name: string): Promise<{ api: ApiHarness; database: TestDatabase }> => {
      const pool = new pg.Pool({ connectionString: db.url, application_name: name, max: 30 });
      pool.on('error', () => undefined);
      let ended: Promise<void> | null = null;
      const database = { url: db.url, pool, drop: () => (ended ??= pool.end()).catch(() => undefined) };
      process.env.AI_TIMEOUT_MS = '60000'; // a slow call stays running until the test says otherwise
      try {
        const api = await startApi({ database, blobDir });
        replicas.push({ api, database });
        return { api, database };
      } finally {
        process.env.AI_TIMEOUT_MS = ENV.AI_TIMEOUT_MS;
      }
    };
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      for (const { api } of replicas.reverse()) await api.close().catch(() => undefined);
      await db.drop();
      await rm(blobDir, { recursive: true, force: true });
    });

    it('leaves a request running on another replica alone, and closes it at once when that replica dies', async () => {
      const a = (await startReplica('korrigo-replica-a')).api;
      const adminA = await a.admin();
      const teacherA = await signedInStaff(a, adminA, 'TEACHER', 'le-goff@lycee.test');
      const { copies } = await lockedCopies(1, { on: { api: a, admin: adminA, teacher: teacherA } });
      const copyId = copies[0]!.copyId;
      const held: (() => void)[] = [];
      provider.answer = (call, response) => held.push(() => completion(good())(call, response));
      const asked = ok(await teacherA.client.graphql<{ requestAiSuggestions: { requestId: string } }>(REQUEST, { copyId }));
      const { requestId } = asked.requestAiSuggestions;
      while (provider.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 20)); // running on A

      const b = (await startReplica('korrigo-replica-b')).api;
      const teacherB = b.client();
      ok(await teacherB.signIn('TEACHER', 'le-goff@lycee.test', NEW_PASSWORD));
      const sweeperB = b.app.get(AiSuggestionProcessor);
      expect(await sweeperB.sweep()).toBe(0); // one sweep at a time: B's startup sweep is over too
      expect(ok(await teacherB.graphql<{ aiSuggestions: Latest }>(LATEST, { copyId })).aiSuggestions).toMatchObject({
        requestId,
        status: 'PENDING',
      });

      // A dies mid-request: PostgreSQL ends its sessions (and their locks) and it opens no other.
      void replicas[0]!.database.drop();
      await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'korrigo-replica-a'`);
      // pg_terminate_backend only signals: the sessions (and their locks) are gone once they leave pg_stat_activity.
      const alive = async () =>
        (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'korrigo-replica-a'`)).rowCount ?? 0;
      for (const deadline = Date.now() + 10_000; (await alive()) > 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await sweeperB.sweep()).toBe(1);
      expect(await settle(copyId, teacherB)).toMatchObject({
        requestId,
        status: 'FAILED',
        failureCode: 'INTERRUPTED',
        failureMessage: expect.stringMatching(/interrompue/),
      });
      held.splice(0).forEach((answer) => answer()); // A's late answer has no database left to be recorded in
      await replicas
        .shift()!
        .api.close()
        .catch(() => undefined);

      expect(await b.runner.catchUp(30_000)).toBe(true); // B's runner has taken over A's projections
      provider.answer = completion(good());
      const again = ok(await teacherB.graphql<{ requestAiSuggestions: { requestId: string } }>(REQUEST, { copyId }));
      expect(again.requestAiSuggestions.requestId).not.toBe(requestId);
      expect(await settle(copyId, teacherB)).toMatchObject({ status: 'PRODUCED', requestId: again.requestAiSuggestions.requestId });
    });
  });

  describe('a server without a model configured', () => {
    let offApi: ApiHarness;
    beforeAll(async () => {
      delete process.env.OPENAI_API_KEY;
      offApi = await startApi();
      process.env.OPENAI_API_KEY = ENV.OPENAI_API_KEY;
    });
    afterAll(() => offApi.close());

    it('says the feature is off and refuses requests, nothing else changes', async () => {
      const offAdmin = await offApi.admin();
      const status = ok(await offAdmin.graphql<{ aiSuggestionsStatus: unknown }>(`{ aiSuggestionsStatus { enabled model } }`));
      expect(status.aiSuggestionsStatus).toEqual({ enabled: false, model: null });
      const examId = await createExam(offApi, []);
      const { importCopies } = ok(
        await offAdmin.graphql<{ importCopies: { copyId: string }[] }>(IMPORT_COPIES, {
          examId,
          scanId: randomUUID(),
          copies: [{ pages: [{ pageId: randomUUID(), number: 1 }] }],
        }),
      );
      const copyId = importCopies[0]!.copyId;
      ok(await lockCopy(offAdmin, copyId));
      const refused = await offAdmin.graphql(REQUEST, { copyId });
      expect(errorCode(refused)).toBe('UNAVAILABLE');
      expect(refused.errors?.[0]?.message).toMatch(/désactivées/);
      expect(
        ok(await offAdmin.graphql<{ copy: { status: string } }>(`query($id: ID!) { copy(copyId: $id) { ${COPY_FIELDS} } }`, { id: copyId }))
          .copy.status,
      ).toBe('IN_PROGRESS');
    });
  });
});

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────

function suggestions(points: Record<string, number> = {}) {
  return [
    { questionId: 'q1a', points: points.q1a ?? 3.5, justification: 'Méthode correcte, conclusion juste.', confidence: 0.8 },
    { questionId: 'q1b', points: points.q1b ?? 4.75, justification: 'Un oubli de signe.', confidence: 0.6 },
    { questionId: 'q2', points: points.q2 ?? 7, justification: 'Dérivée juste, tableau incomplet.', confidence: 0.7 },
  ];
}
function good(points: Record<string, number> = {}): string {
  return JSON.stringify({ suggestions: suggestions(points), comment: 'Copie claire.' });
}

/** A page: a dark "name" block in the header's top quarter (when `withName`) and lines of writing lower down. */
async function pageImage(withName: boolean, second = false): Promise<Buffer> {
  const canvas = createCanvas(420, 594);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 420, 594);
  context.fillStyle = '#111111';
  if (withName) context.fillRect(30, 30, 300, 60);
  for (let y = 300; y < 360; y += 12) context.fillRect(second ? 40 : 30, y, 360, 6);
  return encodeCanvas(canvas, 'jpeg', 90);
}

function decode(dataUrl: string): Buffer {
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/** The share of dark pixels in a horizontal band of the image, between two fractions of its height. */
async function darkShare(image: Buffer, from: number, to: number): Promise<number> {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  const top = Math.floor(from * picture.height);
  const { data } = context.getImageData(0, top, picture.width, Math.floor(to * picture.height) - top);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 200) dark++;
  return dark / (data.length / 4);
}

async function readBlob(api: ApiHarness, key: string): Promise<Buffer> {
  const blob = await api.runtime.blobs.get(key);
  const chunks: Buffer[] = [];
  for await (const chunk of blob!.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function identify(api: ApiHarness, copyId: string, studentId: string): Promise<void> {
  const system = { actorId: 'scan-pipeline', actorRole: 'system' as const };
  const command = { type: 'IdentifyStudent', data: { studentId }, metadata: { ...system, now: new Date().toISOString() } } as const;
  await executeCommand(api.runtime.store, copyStreamId(copyId), copyDecider, command, system);
}
