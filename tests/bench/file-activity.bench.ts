import './support/production-env.js';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { copyFileStreamId, examFileStreamId } from '#domain';
import { FileActivity, journalQuery } from '../../apps/api/src/audit/file-activity.js';
import { gradeExportStreamId } from '../../apps/api/src/exports/grades-exported.js';
import { mapLimited } from '../../apps/api/src/shared/command-context.js';
import { type Actor, appendAs } from '../../apps/api/src/shared/execute-command.js';
import type { ApiHarness } from '../support/api-harness.js';
import { adminActor, createExam, importCopies } from '../support/copy-fixtures.js';
import { ok } from '../support/school-fixtures.js';
import { startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';
import { ms } from './support/latency.js';

/**
 * An exam's file journal at scale (examFileActivity): two exams of `--copies` copies each, every copy
 * downloaded `--downloads-per-copy` times, plus grade exports and class ZIPs, and `--noise` other
 * events in the audit log (a school year's corrections). Times the first page, a filtered page, a
 * page deep in the journal (walking the cursors) and the whole walk, in process and through GraphQL,
 * and prints the query plan. Prints figures; asserts nothing about time. Not in `npm test`.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/file-activity.bench.ts [--copies 200] [--downloads-per-copy 25] [--noise 100000] [--runs 15]
 */

const argument = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a whole number`);
  return value;
};
const COPIES = argument('--copies', 200);
const PER_COPY = argument('--downloads-per-copy', 25);
const NOISE = argument('--noise', 100_000);
const RUNS = argument('--runs', 15);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sha = (): string => randomUUID().replaceAll('-', '').repeat(2);

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const timed = async (work: () => Promise<unknown>): Promise<string> => {
  await work();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return `${ms(median(times)).padStart(7)} ms median (min ${ms(Math.min(...times))} ms)`;
};

/** An exam with its copies, each downloaded PER_COPY times (one append per copy), 20 exports and 10 ZIPs. */
const seedExam = async (api: ApiHarness, teacherId: string, studentActor: Actor): Promise<string> => {
  const admin = await adminActor(api);
  const adminClient = await api.admin();
  const examId = await createExam(api, [teacherId]);
  const copies = [];
  for (let done = 0; done < COPIES; done += 200) copies.push(...(await importCopies(adminClient, examId, Math.min(200, COPIES - done))));
  await mapLimited(copies, 8, async (copy, i) => {
    const downloads = Array.from({ length: PER_COPY }, (_, n) => ({
      type: 'CorrectedCopyDownloaded',
      data: { copyId: copy.copyId, variant: n % 3 === 0 ? 'anonymous' : 'named', sha256: sha(), by: admin.actorId, role: 'admin' },
    }));
    await appendAs(api.runtime.store, copyFileStreamId(copy.copyId), downloads, i % 2 ? admin : studentActor, 'any');
  });
  for (let n = 0; n < 20; n++) {
    const data = {
      examId,
      format: 'pronote',
      fileName: 'notes.csv',
      rows: COPIES,
      bytes: 4096,
      sha256: sha(),
      options: { coefficient: 2, subject: null },
      by: admin.actorId,
    };
    await appendAs(api.runtime.store, gradeExportStreamId(examId), [{ type: 'GradesExported', data }], admin, 'any');
  }
  for (let n = 0; n < 10; n++) {
    const data = { examId, sha256: sha(), copies: COPIES - 1, missing: 1, by: admin.actorId, role: 'admin' };
    await appendAs(api.runtime.store, examFileStreamId(examId), [{ type: 'CorrectedCopiesArchiveDownloaded', data }], admin, 'any');
  }
  return examId;
};

const cluster = await startBenchCluster(log);
let api: ApiHarness | null = null;
try {
  api = await startBenchApi(cluster);
  const adminClient = await api.admin();
  const teacher = ok(
    await adminClient.graphql<{ createUser: { userId: string } }>(
      `mutation { createUser(email: "bench@lycee.test", displayName: "M. Banc", role: TEACHER) { userId } }`,
    ),
  ).createUser;
  const student: Actor = { actorId: randomUUID(), actorRole: 'student' };
  log(`seeding: 2 exams × ${COPIES} copies × ${PER_COPY} downloads, ${NOISE} other events…`);
  const started = performance.now();
  const examId = await seedExam(api, teacher.userId, student);
  await seedExam(api, teacher.userId, student); // the other exam: its files must not slow this one's journal
  await mapLimited(
    Array.from({ length: Math.ceil(NOISE / 500) }, (_, i) => i),
    4,
    async (i) => {
      const events = Array.from({ length: Math.min(500, NOISE - i * 500) }, (_, n) => ({ type: 'BenchNoise', data: { n } }));
      await appendAs(api!.runtime.store, `benchnoise-${i}`, events, { actorId: teacher.userId, actorRole: 'teacher' }, 'any');
    },
  );
  const head = await api.runtime.store.head();
  await api.runner.waitFor(head!.position, ['audit-log'], 600_000);
  const { rows: counts } = await api.runtime.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
  await api.runtime.pool.query('ANALYZE'); // what autovacuum does after such a load: plans on real statistics
  log(`  seeded and projected in ${ms(performance.now() - started)} ms; audit_log holds ${counts[0]!.n} rows`);

  const journal = api.app.get(FileActivity, { strict: false });
  const total = COPIES * PER_COPY + 30;
  log(`journal of one exam (${total} entries), median of ${RUNS} runs after a warm-up:`);
  log(`  first page (100)            ${await timed(() => journal.journal(examId, null, 100, null))}`);
  log(`  first page, copies only     ${await timed(() => journal.journal(examId, ['CORRECTED_COPY' as never], 100, null))}`);
  log(`  first page, exports only    ${await timed(() => journal.journal(examId, ['GRADE_EXPORT' as never], 100, null))}`);
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) cursor = (await journal.journal(examId, null, 100, cursor)).nextCursor;
  const deep = cursor;
  log(`  21st page (after 2,000)     ${await timed(() => journal.journal(examId, null, 100, deep))}`);
  const walk = async (): Promise<number> => {
    let pages = 0;
    let after: string | null = null;
    do {
      after = (await journal.journal(examId, null, 200, after)).nextCursor;
      pages++;
    } while (after);
    return pages;
  };
  log(`  whole journal, pages of 200 ${await timed(walk)} (${await walk()} pages)`);
  const query = `query($e: ID!) { examFileActivity(examId: $e) { nextCursor items { eventId kind at actorName actorRole summary anonymousCode sha256Short } } }`;
  log(`  GraphQL, first page (100)   ${await timed(async () => ok(await adminClient.graphql(query, { e: examId })))}`);

  const plan = journalQuery(examId, null, 101, null);
  const { rows } = await api.runtime.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${plan.text}`, plan.values);
  log('query plan (first page):');
  for (const row of rows) log(`  ${row['QUERY PLAN']}`);
} finally {
  await api?.close();
  await cluster.close();
}
process.exit(0);
