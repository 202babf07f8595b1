import './support/production-env.js';
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import type { ApiHarness } from '../support/api-harness.js';
import { assignCopy, createExam, importCopies, lockCopy } from '../support/copy-fixtures.js';
import { ok, signedInStaff } from '../support/school-fixtures.js';
import { startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';
import { formatLatency, summarize } from './support/latency.js';

/**
 * A stroke saved on a copy that already holds many: does a save get slower as the copy grows? Every
 * copy command reads the copy's stream; the fold cache (apps/api/src/shared/fold-cache.ts) makes it
 * read only what was appended since. One corrector, one copy, `--strokes` pen strokes of `--points`
 * points saved one after the other (addAnnotation, read-your-writes); the latency of the first hundred
 * is the anchor for the later ones, in the same run. Prints figures; asserts nothing about time.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/heavy-copy.bench.ts [--strokes 1000] [--points 60]
 */

const argument = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive whole number`);
  return value;
};
const STROKES = argument('--strokes', 1000);
const POINTS = argument('--points', 60);
const BUCKET = 100;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const stroke = (pageId: string, index: number) => ({
  annotationId: randomUUID(),
  pageId,
  kind: 'PEN',
  color: '#d32f2f',
  strokeWidth: 0.003,
  points: Array.from({ length: POINTS }, (_, i) => [0.05 + (i / POINTS) * 0.9, 0.05 + ((index % 90) / 100) * 0.9 + Math.sin(i) * 0.004]),
});

const cluster = await startBenchCluster(log);
let api: ApiHarness | null = null;
try {
  log(`${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}; starting the API…`);
  api = await startBenchApi(cluster);
  const admin = await api.admin();
  const corrector = await signedInStaff(api, admin, 'TEACHER', 'lourde@lycee.test');
  const examId = await createExam(api, [corrector.userId]);
  const [copy] = await importCopies(admin, examId, 1);
  await assignCopy(api, copy!.copyId, corrector.userId);
  ok(await lockCopy(corrector.client, copy!.copyId));
  const query = `mutation($c: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $c, annotation: $a) { revision } }`;
  const latencies: number[] = [];
  for (let index = 0; index < STROKES; index++) {
    const started = performance.now();
    ok(await corrector.client.graphql(query, { c: copy!.copyId, a: stroke(copy!.pageIds[0]!, index) }));
    latencies.push(performance.now() - started);
    if ((index + 1) % 200 === 0) log(`  ${index + 1} strokes saved…`);
  }
  const rows = [];
  for (let from = 0; from < STROKES; from += STROKES >= 5 * BUCKET ? Math.floor(STROKES / 5 / BUCKET) * BUCKET : BUCKET) {
    const bucket = latencies.slice(from, from + BUCKET);
    if (bucket.length > 0)
      rows.push(`| ${from + 1}–${from + bucket.length} (${from} already on the copy) | ${formatLatency(summarize(bucket))} |`);
  }
  const first = summarize(latencies.slice(0, BUCKET));
  const last = summarize(latencies.slice(-BUCKET));
  process.stdout.write(
    [
      `heavy copy: ${STROKES} pen strokes of ${POINTS} points saved one after the other on one copy; load average ${loadavg()[0]!.toFixed(1)}`,
      '| strokes | save latency p50 / p95 / p99 |',
      '| --- | --- |',
      ...rows,
      `last ${BUCKET} vs first ${BUCKET}: p50 ×${(last.p50 / first.p50).toFixed(2)}, p95 ×${(last.p95 / first.p95).toFixed(2)}`,
      '',
    ].join('\n'),
  );
} finally {
  await api?.close();
  await cluster.close();
}
