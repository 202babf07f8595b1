import './support/production-env.js';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { matchRoster, parseHeaderFields, type RosterEntry } from '#ocr';
import { generateClassScan, type ClassScan } from '../fixtures/class-scan.js';
import { importRoster, ok } from '../support/school-fixtures.js';
import { createExamFor, uploadScan, waitForScans } from '../support/scan-upload.js';
import type { ApiClient } from '../support/api-harness.js';
import { startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';
import { type CpuSample, cpuBetween, sampleCpu } from './support/cpu-seconds.js';
import { nativeToolsPresent, runNativePipeline } from './support/native-pipeline.js';

/**
 * `npm run bench:import`: one class scan (35 copies × 4 pages, 200 dpi greyscale JPEG pages, printed
 * and handwriting-style headers) from upload to identified through the real API (upload route, render
 * workers, tesseract.js pool, matcher, events, projections), against the native pipeline on the same
 * file in the same run (pdftoppm at the same resolutions + the tesseract command on the same header
 * crops, as many processes as cores). Accuracy against the generator's ground truth.
 *
 * Korrigo's time runs from the upload's start to the moment ScanCompleted is recorded. Both pipelines'
 * CPU seconds are printed too (this process's threads and its PostgreSQL, against the native tools'
 * processes): on a shared machine the wall-time ratio moves with what else runs, the CPU ratio much less.
 *
 *   --copies N     copies per class (default 35)    --dpi D    scan resolution (default 200)
 *   --styles a,b   printed,handwriting (default both)   --quick   12 copies
 *   --seed S       the class generator's seed (default 7): another class, other names and hands
 *
 * Progress goes to stderr, the tables to stdout.
 */

const USAGE =
  'usage: npm run bench:import -- [--quick] [--copies N] [--dpi D] [--seed S] [--styles printed,handwriting] [--seed S] [--native-ocr-dpi 150|300]';
const PAGES_PER_COPY = 4;
const VIEW_DPI = 150;
/** The native anchor's header crops; Korrigo reads its header crops out of the 150 dpi view images. */
const HEADER_SHARE = 0.25;

type Style = 'printed' | 'handwriting';
interface Args {
  copies: number;
  dpi: number;
  seed: number;
  styles: Style[];
  /** Resolution of the native pipeline's header crops: Korrigo's own (the view's) unless asked otherwise. */
  nativeOcrDpi: number;
}

const parseArgs = (argv: readonly string[]): Args => {
  const args: Args = { copies: 35, dpi: 200, seed: 7, styles: ['printed', 'handwriting'], nativeOcrDpi: VIEW_DPI };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.copies = 12;
    else if (arg === '--copies') args.copies = Number(argv[++i]);
    else if (arg === '--dpi') args.dpi = Number(argv[++i]);
    else if (arg === '--seed') args.seed = Number(argv[++i]);
    else if (arg === '--native-ocr-dpi') args.nativeOcrDpi = Number(argv[++i]);
    else if (arg === '--styles') args.styles = (argv[++i] ?? '').split(',') as Style[];
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}" (${USAGE})`);
  }
  if (!Number.isInteger(args.copies) || args.copies < 1 || args.copies > 35) throw new Error(`--copies must be 1..35 (${USAGE})`);
  if (!Number.isInteger(args.seed)) throw new Error(`--seed must be an integer (${USAGE})`);
  if (!args.styles.every((style) => style === 'printed' || style === 'handwriting'))
    throw new Error(`--styles: printed and/or handwriting (${USAGE})`);
  return args;
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const cpuSeconds = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} s`);
const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);

interface DeskItem {
  copyId: string;
  pageNumbers: number[];
  identificationMethod: string | null;
  student: { studentId: string } | null;
  candidates: { student: { id: string } }[];
}

const DESK = `query($e: ID!, $after: String) { identificationDesk(examId: $e, filter: ALL, first: 100, after: $after) {
  nextCursor items { copyId pageNumbers identificationMethod student { studentId } candidates { student { id } } } } }`;

const deskOf = async (admin: ApiClient, examId: string): Promise<DeskItem[]> => {
  const items: DeskItem[] = [];
  let after: string | null = null;
  do {
    const page: { identificationDesk: { nextCursor: string | null; items: DeskItem[] } } = ok(
      await admin.graphql(DESK, { e: examId, after }),
    );
    items.push(...page.identificationDesk.items);
    after = page.identificationDesk.nextCursor;
  } while (after);
  return items;
};

interface Accuracy {
  copies: number;
  auto: number;
  wrongAuto: number;
  rest: number;
  restTop3: number;
}

/** Scores identifications against the truth: a copy is known by its first page in the PDF. */
const accuracy = (
  scan: ClassScan,
  studentIdOf: Map<string, string>,
  decided: { firstPage: number; autoStudentId: string | null; candidateIds: string[] }[],
): Accuracy => {
  const truthByFirstPage = new Map(scan.truth.copies.map((copy) => [copy.firstPage, copy]));
  const result: Accuracy = { copies: decided.length, auto: 0, wrongAuto: 0, rest: 0, restTop3: 0 };
  for (const copy of decided) {
    const truth = truthByFirstPage.get(copy.firstPage);
    const expected = truth ? studentIdOf.get(keyOf(truth.student)) : undefined;
    if (copy.autoStudentId) {
      result.auto++;
      if (copy.autoStudentId !== expected) result.wrongAuto++;
    } else {
      result.rest++;
      if (expected && copy.candidateIds.slice(0, 3).includes(expected)) result.restTop3++;
    }
  }
  return result;
};

const keyOf = (student: { lastName: string; firstName: string; birthDate: string }): string =>
  `${student.lastName}|${student.firstName}|${student.birthDate}`.normalize('NFC').toLowerCase();

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  const native = await nativeToolsPresent();
  if (!native) log('pdftoppm/tesseract not found (apt-get install poppler-utils tesseract-ocr tesseract-ocr-fra): no anchor');
  const cluster = await startBenchCluster(log);
  const api = await startBenchApi(cluster);
  const rows: string[][] = [];
  const accuracyRows: string[][] = [];
  try {
    const admin = await api.admin();
    let rosterImported = false;
    for (const style of args.styles) {
      log(`== ${style}: generating ${args.copies} copies × ${PAGES_PER_COPY} pages at ${args.dpi} dpi`);
      const scan = await generateClassScan({ seed: args.seed, style, copies: args.copies, pagesPerCopy: PAGES_PER_COPY, dpi: args.dpi });
      const file = path.join(cluster.dataDir, `${style}.pdf`);
      await writeFile(file, scan.pdf);
      const className = scan.roster[0]!.className;
      if (!rosterImported) {
        const report = await importRoster(admin, scan.rosterCsv);
        if (report.errors > 0) throw new Error(`roster import reported ${report.errors} errors`);
        rosterImported = true;
      }
      const students = ok(
        await admin.graphql<{
          students: { studentId: string; lastName: string; firstName: string; birthDate: string; className: string }[];
        }>(`query($c: String) { students(className: $c) { studentId lastName firstName birthDate className } }`, { c: className }),
      ).students;
      const studentIdOf = new Map(students.map((student) => [keyOf(student), student.studentId]));
      const examId = await createExamFor(admin, className, `Bac blanc (${style})`);

      log(`   Korrigo: upload → identified (${(scan.pdf.length / 2 ** 20).toFixed(1)} MiB)`);
      const cpuBefore = sampleCpu(cluster.clusterDir);
      const startedAt = Date.now();
      const started = performance.now();
      const answer = await uploadScan(api.base, admin, examId, [{ name: `${style}.pdf`, bytes: scan.pdf }], {
        pagesPerCopy: String(PAGES_PER_COPY),
      });
      if (answer.status !== 202) throw new Error(`upload answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const [finished] = await waitForScans(admin, examId, [String(answer.body.scanId)], 900_000);
      const polledMs = performance.now() - started;
      const korrigoCpu = cpuBetween(cpuBefore, sampleCpu(cluster.clusterDir));
      // Where the time went: each scan event's offset from the upload's start, as the store recorded it.
      const events = await api.runtime.store.readStream(`scan-${String(answer.body.scanId)}`);
      const offset = (event: { recordedAt: string }): number => Date.parse(event.recordedAt) - startedAt;
      log(`   stages: ${events.map((event) => `${event.type} +${(offset(event) / 1000).toFixed(1)}s`).join(', ')}`);
      // The end is when ScanCompleted was recorded: the poll above looks every 250 ms, which is the bench's delay, not the import's.
      const completed = events.find((event) => event.type === 'ScanCompleted');
      const korrigoMs = completed ? offset(completed) : polledMs;
      log(`   upload → ScanCompleted recorded: ${seconds(korrigoMs)} (seen by the bench's poll at ${seconds(polledMs)})`);
      if (korrigoCpu) log(`   CPU: API process ${cpuSeconds(korrigoCpu.self)}, PostgreSQL ${cpuSeconds(korrigoCpu.postgres)}`);
      if (finished?.stage !== 'COMPLETED') throw new Error(`scan ended ${finished?.stage}: ${JSON.stringify(finished?.problem)}`);
      const desk = await deskOf(admin, examId);
      const ours = accuracy(
        scan,
        studentIdOf,
        desk.map((item) => ({
          firstPage: item.pageNumbers[0]!,
          autoStudentId: item.identificationMethod === 'auto' ? (item.student?.studentId ?? null) : null,
          candidateIds: item.candidates.map((candidate) => candidate.student.id),
        })),
      );

      let anchorMs: number | null = null;
      let nativeCpu: CpuSample | null = null;
      let nativeAccuracy: Accuracy | null = null;
      if (native) {
        log('   native: pdftoppm + tesseract on the same file');
        const firstPages = scan.truth.copies.map((copy) => copy.firstPage);
        const nativeBefore = sampleCpu();
        const run = await runNativePipeline(file, {
          pageCount: scan.truth.pageCount,
          firstPages,
          viewDpi: VIEW_DPI,
          ocrDpi: args.nativeOcrDpi,
          headerShare: HEADER_SHARE,
        });
        anchorMs = run.wallMs;
        nativeCpu = cpuBetween(nativeBefore, sampleCpu());
        log(`   native: render ${seconds(run.renderMs)}, OCR ${seconds(run.ocrMs)}`);
        // The native texts through the same matcher: tells OCR engines apart from matching.
        const roster: RosterEntry[] = students.map((student) => ({ ...student, studentId: student.studentId }));
        const matched = matchRoster(
          run.texts.map((text, index) => ({ copyId: String(firstPages[index]), fields: parseHeaderFields(text), text, confidence: 0.9 })),
          roster,
        );
        nativeAccuracy = accuracy(
          scan,
          studentIdOf,
          matched.map((result) => ({
            firstPage: Number(result.copyId),
            autoStudentId: result.decision.kind === 'auto' ? result.decision.studentId : null,
            candidateIds: result.candidates.map((candidate) => candidate.studentId),
          })),
        );
      }
      rows.push([
        style,
        `${scan.truth.copies.length} × ${PAGES_PER_COPY} p`,
        seconds(korrigoMs),
        anchorMs === null ? '—' : seconds(anchorMs),
        anchorMs === null ? '—' : `${(korrigoMs / anchorMs).toFixed(2)}×`,
        '≤ 1.00×',
        anchorMs === null ? '—' : korrigoMs <= anchorMs ? 'yes' : 'NO',
        cpuSeconds(korrigoCpu && korrigoCpu.self + (korrigoCpu.postgres ?? 0)),
        cpuSeconds(nativeCpu && nativeCpu.children),
        korrigoCpu && nativeCpu && nativeCpu.children > 0
          ? `${((korrigoCpu.self + (korrigoCpu.postgres ?? 0)) / nativeCpu.children).toFixed(2)}×`
          : '—',
      ]);
      const bar = style === 'printed' ? 98 : 70;
      for (const [engine, figures] of [
        ['Korrigo (tesseract.js)', ours],
        ['native tesseract, same matcher', nativeAccuracy],
      ] as const) {
        if (!figures) continue;
        accuracyRows.push([
          style,
          engine,
          percent(figures.auto, figures.copies),
          String(figures.wrongAuto),
          `${figures.restTop3}/${figures.rest} (${percent(figures.restTop3, figures.rest)})`,
          engine.startsWith('Korrigo') ? `auto ≥ ${bar} %, wrong 0, top-3 ≥ 95 %` : 'reference',
          engine.startsWith('Korrigo')
            ? (100 * figures.auto) / figures.copies >= bar &&
              figures.wrongAuto === 0 &&
              (figures.rest === 0 || figures.restTop3 / figures.rest >= 0.95)
              ? 'yes'
              : 'NO'
            : '—',
        ]);
      }
    }
  } finally {
    await api.close();
    await cluster.close();
  }
  const table = (header: string[], body: string[][]): string =>
    [header, header.map(() => '---'), ...body].map((row) => `| ${row.join(' | ')} |`).join('\n');
  process.stdout.write(
    `\nbench:import on ${os.availableParallelism()} cores, seed ${args.seed}, ${args.dpi} dpi scans, view ${VIEW_DPI} dpi, ` +
      `headers read at ${VIEW_DPI} dpi (Korrigo, cut from the view) and ${args.nativeOcrDpi} dpi (native)\n\n`,
  );
  process.stdout.write(
    `${table(['set', 'copies', 'Korrigo upload→identified', 'native pipeline', 'ratio', 'bar', 'ok', 'Korrigo CPU', 'native CPU', 'CPU ratio'], rows)}\n`,
  );
  // CPU seconds: this process (API, render and OCR workers) and its PostgreSQL, against the native tools' processes.
  process.stdout.write(`CPU: ${os.loadavg()[0]!.toFixed(1)} load average at the end; CPU time barely depends on what else runs\n\n`);
  process.stdout.write(
    `${table(['set', 'reader', 'identified automatically', 'wrong automatic', 'top-3 recall (rest)', 'bar', 'ok'], accuracyRows)}\n`,
  );
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
