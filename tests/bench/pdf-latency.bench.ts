import './support/production-env.js';
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { studentDecider, studentStreamId } from '#domain';
import { CorrectedCopyPool } from '../../apps/api/src/corrected-copies/corrected-copy-pool.js';
import { CorrectedCopyProcessor } from '../../apps/api/src/corrected-copies/corrected-copy.processor.js';
import { buildCorrectedCopyPdf } from '../../apps/api/src/corrected-copies/pdf/build-corrected-copy-pdf.js';
import { mixedAnnotations, pageImage } from '../../apps/api/src/corrected-copies/pdf/corrected-copy.fixtures.js';
import { mapLimited } from '../../apps/api/src/shared/command-context.js';
import { executeCommand } from '../../apps/api/src/shared/execute-command.js';
import type { ApiClient, ApiHarness } from '../support/api-harness.js';
import { IMPORT_COPIES, adminActor, assignCopy, awardScore, createExam, finalizeCopy, lockCopy } from '../support/copy-fixtures.js';
import { ok, signedInStaff } from '../support/school-fixtures.js';
import { sessionHeaders, startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';
import { type LatencySummary, ms, summarize } from './support/latency.js';

/**
 * What corrected-copy PDF builds cost the teachers still correcting (issue 6). A teacher's tab saves a
 * pen stroke (addAnnotation, read-your-writes) every ~20 ms from a worker thread while the API's event
 * loop delay is sampled: first alone (the anchor), then while a class of `--copies` identified copies
 * (4 pages of 150 dpi A4 JPEG each, `--annotations` annotations) finalised at once gets its two PDFs
 * per copy built on the API's own thread (as before the pool), then while another such class is built
 * in the worker pool (PDF_WORKERS). All in one process and run, so the ratios compare like with like
 * on a shared machine. Prints figures; asserts nothing about time. Not in `npm test`.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/pdf-latency.bench.ts [--copies 35] [--annotations 20] [--anchor-seconds 6]
 */

const argument = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive whole number`);
  return value;
};
const COPIES = argument('--copies', 35);
const ANNOTATIONS = argument('--annotations', 20);
const ANCHOR_SECONDS = argument('--anchor-seconds', 6);
const PAGES = 4;
const DISTINCT_IMAGES = 12;
/** Warm-up, anchor, builds on the API thread, builds in the pool. */
const PHASES = 4;
const STROKE_EVERY_MS = 20;
const SAMPLE_MS = 5;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** A teacher's tab on its own thread, so that its timings do not wait on the API's event loop. */
const STROKE_CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, headers, everyMs } = workerData;
let { copyId, pageId } = workerData;
const query = 'mutation($c: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $c, annotation: $a) { revision } }';
let latencies = [];
let running = true;
parentPort.on('message', (message) => {
  if (message.copyId) ({ copyId, pageId } = message);
  if (message === 'reset') latencies = [];
  if (message === 'collect') parentPort.postMessage(latencies);
  if (message === 'stop') running = false;
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  for (let n = 0; running; n++) {
    const points = Array.from({ length: 20 }, (_, i) => [0.1 + (n % 50) * 0.015 + i * 0.002, 0.2 + ((n * 7) % 60) * 0.01]);
    const annotation = { annotationId: crypto.randomUUID(), pageId, kind: 'PEN', points, strokeWidth: 0.003, color: '#d32f2f' };
    const start = performance.now();
    const response = await fetch(base + '/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables: { c: copyId, a: annotation } }),
    });
    const body = await response.json();
    const elapsed = performance.now() - start;
    if (body.errors) throw new Error('stroke refused: ' + JSON.stringify(body.errors));
    latencies.push(elapsed);
    await sleep(Math.max(0, everyMs - elapsed));
  }
  parentPort.postMessage('stopped');
})();
`;

/** Lets the stroke in flight finish: the API must not close under it. */
const stopClient = (client: Worker): Promise<void> =>
  new Promise((resolve) => {
    client.on('message', (message) => message === 'stopped' && resolve());
    client.postMessage('stop');
  });

interface Phase {
  readonly name: string;
  readonly seconds: number;
  /** Event-loop utilisation of the API's thread, 0..1. */
  readonly busy: number;
  /** CPU time of the whole process (every thread) over wall time. */
  readonly cpu: number;
  readonly loop: { p50: number; p99: number; max: number };
  readonly strokes: LatencySummary;
}

const collect = (client: Worker): Promise<number[]> =>
  new Promise((resolve) => {
    client.once('message', (latencies: number[]) => resolve(latencies));
    client.postMessage('collect');
  });

/** Runs `load` while sampling the event loop and the strokes' round trips. */
const measure = async (name: string, client: Worker, load: () => Promise<void>): Promise<Phase> => {
  const loop = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  client.postMessage('reset');
  loop.enable();
  const [start, utilisation, cpu] = [performance.now(), performance.eventLoopUtilization(), process.cpuUsage()];
  await load();
  const seconds = (performance.now() - start) / 1000;
  const busy = performance.eventLoopUtilization(utilisation).utilization;
  const used = process.cpuUsage(cpu);
  loop.disable();
  const strokes = summarize(await collect(client));
  // The histogram holds the time between samples: the sampling interval itself is not a delay.
  const toMs = (ns: number): number => Math.max(0, ns / 1e6 - SAMPLE_MS);
  return {
    name,
    seconds,
    busy,
    cpu: (used.user + used.system) / 1e6 / seconds,
    loop: { p50: toMs(loop.percentile(50)), p99: toMs(loop.percentile(99)), max: toMs(loop.max) },
    strokes,
  };
};

/** Two classes and a copy per phase for the strokes: identified copies with real page images, scored and annotated by the corrector, not finalised. */
const prepareClasses = async (api: ApiHarness, admin: ApiClient, corrector: { client: ApiClient; userId: string }) => {
  const examId = await createExam(api, [corrector.userId]);
  const images = await Promise.all(Array.from({ length: DISTINCT_IMAGES }, (_, seed) => pageImage(seed + 1)));
  const keys = await Promise.all(images.map(async (image) => (await api.runtime.blobs.put(Buffer.from(image))).key));
  const copies = Array.from({ length: 2 * COPIES + PHASES }, (_, copy) => ({
    pages: Array.from({ length: PAGES }, (_, page) => ({
      pageId: randomUUID(),
      number: copy * PAGES + page + 1,
      imageBlobKey: keys[(copy * PAGES + page) % DISTINCT_IMAGES]!,
      ...(page === 0 ? { maskedImageBlobKey: keys[(copy + 5) % DISTINCT_IMAGES]! } : {}),
    })),
  }));
  const imported = ok(
    await admin.graphql<{ importCopies: { copyId: string }[] }>(IMPORT_COPIES, { examId, scanId: randomUUID(), copies }),
  ).importCopies.map((copy, index) => ({ copyId: copy.copyId, pageIds: copies[index]!.pages.map((page) => page.pageId) }));
  const actor = await adminActor(api);
  await mapLimited(imported, 4, async ({ copyId }, index) => {
    const studentId = randomUUID();
    const data = { studentId, lastName: `Élève${index}`, firstName: 'Banc', birthDate: '2008-05-04', className: 'TG1' };
    const command = { type: 'EnrollStudent', data, metadata: { ...actor, now: new Date().toISOString() } } as const;
    const enrolled = await executeCommand(api.runtime.store, studentStreamId(studentId), studentDecider, command, actor);
    await api.runner.waitFor(enrolled.position!, ['students'], 10_000);
    ok(
      await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, { c: copyId, s: studentId }),
    );
    await assignCopy(api, copyId, corrector.userId);
  });
  const [strokes, corrected] = [imported.slice(0, PHASES), imported.slice(PHASES)];
  for (const [index, { copyId, pageIds }] of corrected.entries()) {
    if (index % 10 === 0) log(`  copy ${index + 1} of ${corrected.length}…`);
    ok(await lockCopy(corrector.client, copyId));
    for (const { kind, ...shape } of mixedAnnotations(pageIds, ANNOTATIONS, index + 1)) {
      const annotation = { ...shape, annotationId: randomUUID(), kind: kind.toUpperCase() };
      ok(await corrector.client.graphql(ADD_ANNOTATION, { c: copyId, a: annotation }));
    }
    for (const [questionId, points] of Object.entries({ q1a: 3, q1b: 4.5, q2: 7 }))
      ok(await awardScore(corrector.client, copyId, questionId, points));
    ok(await corrector.client.graphql(`mutation($c: ID!) { unlockCopy(copyId: $c) { status } }`, { c: copyId }));
  }
  return { examId, strokes, classes: [corrected.slice(0, COPIES), corrected.slice(COPIES)] as const };
};

const ADD_ANNOTATION = `mutation($c: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $c, annotation: $a) { revision } }`;

const pendingPdfs = async (api: ApiHarness, copyIds: readonly string[]): Promise<number> =>
  (
    await api.runtime.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM copies WHERE copy_id = ANY($1) AND NOT (finalised AND corrected_pdf IS NOT NULL)`,
      [copyIds],
    )
  ).rows[0]!.n;

/**
 * The processor as it was before its pool: the builder on the API's thread. Swapped in for the
 * comparison only, through the processor's `pdfs` field.
 */
const buildOnApiThread = (api: ApiHarness): (() => void) => {
  const processor = api.app.get(CorrectedCopyProcessor, { strict: false });
  const pool: unknown = Reflect.get(processor, 'pdfs');
  if (!(pool instanceof CorrectedCopyPool)) throw new Error('CorrectedCopyProcessor has no `pdfs` pool any more: update this bench');
  Reflect.set(processor, 'pdfs', { build: buildCorrectedCopyPdf, close: async () => undefined });
  return () => Reflect.set(processor, 'pdfs', pool);
};

const cluster = await startBenchCluster(log);
let api: ApiHarness | null = null;
let client: Worker | null = null;
try {
  log(`${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}; starting the API…`);
  api = await startBenchApi(cluster);
  const admin = await api.admin();
  const corrector = await signedInStaff(api, admin, 'TEACHER', 'banc@lycee.test');
  log(`preparing 2 classes of ${COPIES} copies of ${PAGES} pages with ${ANNOTATIONS} annotations each…`);
  const { strokes, classes } = await prepareClasses(api, admin, corrector);
  client = new Worker(STROKE_CLIENT, {
    eval: true,
    workerData: {
      base: api.base,
      headers: sessionHeaders(corrector.client),
      copyId: strokes[0]!.copyId,
      pageId: strokes[0]!.pageIds[0],
      everyMs: STROKE_EVERY_MS,
    },
  });
  client.on('error', (error) => log(`stroke client: ${String(error)}`));
  // Each phase draws on a copy of its own: a copy's stream is folded on every save, so one copy for
  // the whole run would make each phase slower than the one before it.
  const drawOn = async (phase: number) => {
    const { copyId, pageIds } = strokes[phase]!;
    ok(await lockCopy(corrector.client, copyId));
    client!.postMessage({ copyId, pageId: pageIds[0] });
  };
  await drawOn(0);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the client's first calls warm the path up
  const finalise = (copies: readonly { copyId: string }[]) => async () => {
    await mapLimited(copies, 4, async ({ copyId }) => {
      ok(await lockCopy(corrector.client, copyId));
      ok(await finalizeCopy(corrector.client, copyId));
    });
    const copyIds = copies.map((copy) => copy.copyId);
    while ((await pendingPdfs(api!, copyIds)) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  log(`anchor: ${ANCHOR_SECONDS} s of strokes…`);
  await drawOn(1);
  const anchor = await measure('strokes only (anchor)', client, () => new Promise((resolve) => setTimeout(resolve, ANCHOR_SECONDS * 1000)));
  log(`a class finalised, PDFs built on the API's thread…`);
  const restorePool = buildOnApiThread(api);
  await drawOn(2);
  const onThread = await measure(`+ ${COPIES} finalised, built on the API thread`, client, finalise(classes[0]));
  restorePool();
  await drawOn(3);
  log(`another class finalised, PDFs built in the worker pool…`);
  const pooled = await measure(`+ ${COPIES} finalised, built in the pool`, client, finalise(classes[1]));
  await stopClient(client);

  const ratios = (label: string, phase: Phase, base: Phase): string[] => [
    label,
    '',
    '',
    [phase.loop.p50 / base.loop.p50, phase.loop.p99 / base.loop.p99, phase.loop.max / base.loop.max].map(times).join(' / '),
    [phase.strokes.p50 / base.strokes.p50, phase.strokes.p95 / base.strokes.p95, phase.strokes.max / base.strokes.max]
      .map(times)
      .join(' / '),
    '',
  ];
  const rows = [
    ['phase', 'seconds', 'main thread busy / CPU', 'loop delay p50 / p99 / max', 'stroke save p50 / p95 / max', 'strokes'],
    ...[anchor, onThread, pooled].map((phase) => [
      phase.name,
      phase.seconds.toFixed(1),
      `${(phase.busy * 100).toFixed(0)} % / ${(phase.cpu * 100).toFixed(0)} %`,
      `${ms(phase.loop.p50)} / ${ms(phase.loop.p99)} / ${ms(phase.loop.max)} ms`,
      `${ms(phase.strokes.p50)} / ${ms(phase.strokes.p95)} / ${ms(phase.strokes.max)} ms`,
      String(phase.strokes.count),
    ]),
    ratios('API thread vs anchor', onThread, anchor),
    ratios('pool vs anchor', pooled, anchor),
    ratios('pool vs API thread', pooled, onThread),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log(
    `PDF_WORKERS=${api.runtime.config.pdfWorkers}; ${COPIES} copies × 2 PDFs per class, load average at the end ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(rows.map((row) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`).join('\n'));
  console.log('main thread busy: event-loop utilisation; CPU: the whole process (all threads) over wall time, 100 % = one core');
} finally {
  await client?.terminate();
  await api?.close();
  await cluster.close();
}

function times(ratio: number): string {
  return Number.isFinite(ratio) ? `×${ratio.toFixed(2)}` : '–';
}
