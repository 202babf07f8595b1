import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import {
  type CopyCommand,
  type GradingQuestionInput,
  copyDecider,
  copyStreamId,
  examDecider,
  examStreamId,
  gradingScaleSnapshot,
  studentDecider,
  studentStreamId,
} from '#domain';
import type { ExamGradeSheet, GradeSheetStudent } from '../../apps/api/src/exports/formats/grade-sheet.js';
import { gradesCsv } from '../../apps/api/src/exports/formats/grades-csv.js';
import { gradesXlsx } from '../../apps/api/src/exports/formats/grades-xlsx.js';
import { pronoteCsv } from '../../apps/api/src/exports/formats/pronote-csv.js';
import { loadGradeSheet } from '../../apps/api/src/exports/grade-sheet.query.js';
import { mapLimited } from '../../apps/api/src/shared/command-context.js';
import { executeCommand, loadStream } from '../../apps/api/src/shared/execute-command.js';
import type { ApiHarness } from '../support/api-harness.js';
import { adminActor, createExam, importCopies } from '../support/copy-fixtures.js';
import { signedInStaff } from '../support/school-fixtures.js';
import { sessionHeaders, startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';
import { ms } from './support/latency.js';

/**
 * Grade export time for a year group (issue 6: "export time for 1,000 students"): each formatter on
 * 1,000 students × 20 questions (median of runs), then the real route on a real PostgreSQL holding
 * 1,000 enrolled students and 1,000 copies corrected through the copy decider (import through the
 * API; identify, assign, lock, 20 scores, appreciation, finalise decided in memory and appended per
 * copy, then projected as the API would). Prints figures; asserts nothing about time. Not in `npm test`.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/export.bench.ts [--students 1000] [--runs 15] [--formatters-only]
 */

const argument = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive integer`);
  return value;
};
const STUDENTS = argument('--students', 1000);
const RUNS = argument('--runs', 15);
const QUESTIONS = 20;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const timed = async (runs: number, work: () => unknown): Promise<{ median: number; min: number }> => {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return { median: median(times), min: Math.min(...times) };
};

/** 5 exercises × 4 questions of 1 point each, quarter points. */
const SCALE: GradingQuestionInput[] = Array.from({ length: QUESTIONS / 4 }, (_, e) => ({
  questionId: `ex${e + 1}`,
  label: `Exercice ${e + 1}`,
  children: Array.from({ length: 4 }, (_, q) => ({
    questionId: `ex${e + 1}q${q + 1}`,
    label: `${e + 1}.${q + 1}`,
    maxPoints: 1,
    step: 0.25,
  })),
}));
const LEAVES = SCALE.flatMap((exercise) => exercise.children!);
const pointsFor = (student: number, question: number): number => ((student * 7 + question * 3) % 5) / 4;

const syntheticSheet = (): ExamGradeSheet => ({
  title: 'Bac blanc',
  subject: 'Mathématiques',
  questions: LEAVES.map((leaf) => ({ questionId: leaf.questionId, label: `Exercice ${leaf.label}`, maxPoints: 1 })),
  students: Array.from({ length: STUDENTS }, (_, i): GradeSheetStudent => {
    const scores = Object.fromEntries(LEAVES.map((leaf, q) => [leaf.questionId, pointsFor(i, q)]));
    const total = Object.values(scores).reduce((sum, points) => sum + points, 0);
    return {
      lastName: `Élève-${i}`,
      firstName: 'Maëlys',
      birthDate: '2008-05-04',
      className: `T${i % 8}`,
      result:
        i % 50 === 0
          ? { status: 'absent' }
          : { status: 'finalised', anonymousCode: `C${i}`, total, max: QUESTIONS, scores, appreciation: 'Bon travail ; à poursuivre.' },
    };
  }),
});

const benchFormatters = async (): Promise<void> => {
  const sheet = syntheticSheet();
  log(`formatters: ${STUDENTS} students × ${QUESTIONS} questions, median of ${RUNS} runs (after one warm-up)`);
  for (const [name, format] of [
    ['pronote', () => pronoteCsv(sheet)],
    ['csv', () => gradesCsv(sheet)],
    ['xlsx', () => gradesXlsx(sheet)],
  ] as const) {
    const size = format().length;
    const { median: m, min } = await timed(RUNS, format);
    log(`  ${name.padEnd(8)} ${ms(m).padStart(7)} ms median (min ${ms(min)} ms), ${(size / 1024).toFixed(0)} KiB`);
  }
};

/** Every command of a corrected copy, decided on the folded stream and appended at its revision, each event with its actor. */
const correctCopy = async (api: ApiHarness, copyId: string, commands: readonly CopyCommand[]): Promise<void> => {
  const { state, revision } = await loadStream(api.runtime.store, copyStreamId(copyId), copyDecider);
  const events = [];
  let current = state;
  for (const command of commands) {
    for (const event of copyDecider.decide(command, current)) {
      const { actorId, actorRole, now } = command.metadata;
      events.push({
        eventId: randomUUID(),
        type: event.type,
        data: event.data as never,
        metadata: { actorId, actorRole, occurredAt: now },
      });
      current = copyDecider.evolve(current, event);
    }
  }
  await api.runtime.store.append(copyStreamId(copyId), events, revision ?? 'no_stream');
};

const seedSchool = async (api: ApiHarness): Promise<string> => {
  const adminClient = await api.admin();
  const admin = await adminActor(api);
  const teacher = await signedInStaff(api, adminClient, 'TEACHER', 'correcteur@lycee.test');
  const examId = await createExam(api, [teacher.userId], SCALE);
  const scale = gradingScaleSnapshot((await loadStream(api.runtime.store, examStreamId(examId), examDecider)).state.scale!);
  const now = () => new Date().toISOString();

  log(`enrolling ${STUDENTS} students (student decider)…`);
  const studentIds = await mapLimited(
    Array.from({ length: STUDENTS }, (_, i) => i),
    8,
    async (i) => {
      const studentId = randomUUID();
      const data = { studentId, lastName: `Élève-${i}`, firstName: 'Maëlys', birthDate: '2008-05-04', className: 'TG1' };
      await executeCommand(
        api.runtime.store,
        studentStreamId(studentId),
        studentDecider,
        { type: 'EnrollStudent', data, metadata: { ...admin, now: now() } },
        admin,
      );
      return studentId;
    },
  );
  log(`importing ${STUDENTS} copies through the API…`);
  const copyIds: string[] = [];
  for (let done = 0; done < STUDENTS; done += 200)
    copyIds.push(...(await importCopies(adminClient, examId, Math.min(200, STUDENTS - done))).map((copy) => copy.copyId));

  log('identifying and correcting every copy (copy decider: 25 events each)…');
  const started = performance.now();
  await mapLimited(copyIds, 8, async (copyId, i) => {
    const asAdmin = { actorId: admin.actorId, actorRole: 'admin' as const, now: now() };
    const asTeacher = { actorId: teacher.userId, actorRole: 'teacher' as const, now: now() };
    const commands: CopyCommand[] = [
      { type: 'IdentifyStudent', data: { studentId: studentIds[i]! }, metadata: asAdmin },
      { type: 'AssignCorrector', data: { correctorId: teacher.userId, runId: 'bench' }, metadata: asAdmin },
      { type: 'LockCopy', data: {}, metadata: asTeacher },
      ...LEAVES.map((leaf, q): CopyCommand => ({
        type: 'AwardScore',
        data: { questionId: leaf.questionId, points: pointsFor(i, q), scale },
        metadata: asTeacher,
      })),
      { type: 'WriteAppreciation', data: { text: 'Bon travail ; à poursuivre.' }, metadata: asTeacher },
      { type: 'FinalizeCopy', data: { scale }, metadata: asTeacher },
    ];
    // One student in fifty has no copy (absent), one in fifty a copy still being corrected.
    if (i % 50 === 0) return;
    await correctCopy(api, copyId, i % 50 === 1 ? commands.slice(0, 8) : commands);
  });
  log(`  appended in ${ms(performance.now() - started)} ms; waiting for the read models…`);
  await waitForProjections(api);
  return examId;
};

const waitForProjections = async (api: ApiHarness): Promise<void> => {
  for (;;) {
    const { rows } = await api.runtime.pool.query<{ finalised: number }>(
      `SELECT count(*) FILTER (WHERE finalised)::int AS finalised FROM copies`,
    );
    if (rows[0]!.finalised >= STUDENTS - Math.ceil(STUDENTS / 50) * 2) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

const benchRoute = async (): Promise<void> => {
  const cluster = await startBenchCluster(log);
  let api: ApiHarness | null = null;
  try {
    api = await startBenchApi(cluster);
    const examId = await seedSchool(api);
    const headers = sessionHeaders(await api.admin());
    const pool = api.runtime.pool;
    const query = await timed(RUNS, () => loadGradeSheet(pool, examId));
    log(`route: ${STUDENTS} students, ${QUESTIONS} questions, real PostgreSQL, median of ${RUNS} runs (after one warm-up)`);
    log(`  read models → grade sheet ${ms(query.median).padStart(7)} ms median (min ${ms(query.min)} ms)`);
    for (const format of ['pronote', 'csv', 'xlsx'] as const) {
      const get = async (): Promise<number> => {
        const response = await fetch(`${api!.base}/api/exports/exams/${examId}/grades?format=${format}`, { headers: { ...headers } });
        if (response.status !== 200) throw new Error(`${format}: HTTP ${response.status} ${await response.text()}`);
        return (await response.arrayBuffer()).byteLength;
      };
      const size = await get();
      const { median: m, min } = await timed(RUNS, get);
      log(`  GET ${format.padEnd(8)} ${ms(m).padStart(7)} ms median (min ${ms(min)} ms), ${(size / 1024).toFixed(0)} KiB, audited`);
    }
  } finally {
    await api?.close();
    await cluster.close();
  }
};

await benchFormatters();
if (!process.argv.includes('--formatters-only')) await benchRoute();
process.exit(0);
