import type { ApiHarness } from '../support/api-harness.js';
import { sessionHeaders } from './support/bench-api.js';
import { type BenchSchool, newSession } from './support/bench-school.js';
import { type PhaseCost, measured } from './support/cpu.js';
import { type LatencySummary, concat, formatLatency, formatPerSecond, ms, summarize } from './support/latency.js';
import type { LoadClients } from './support/load-client.js';
import type { ClosedLoopResult, RequestSpec } from './support/load-worker.js';
import type { LotAnchor } from './support/lot-anchor.js';
import type { Row } from './support/timed.js';

/**
 * Section 1: the teacher's lot (`myCopies`, every field of CopySummary the portal's list shows),
 * through the real API with a signed-in session per client, against the same SELECT served by a
 * bare node:http + pg endpoint. Both sides run in alternating slices (K A A K K A A K) after a warm-up.
 */

export const LOT_QUERY = `query Lot($examId: ID) { myCopies(examId: $examId) {
  copyId examId anonymousCode status correctorId pageCount total max finalisedAt updatedAt revision
  lock { holderId holderName since until secondsLeft } } }`;

/** Concurrent clients, back to back (closed loop) or each sending once every `intervalMs`. */
export interface LotLevel {
  readonly clients: number;
  readonly intervalMs?: number;
}

export interface LotSectionOptions {
  readonly levels: readonly LotLevel[];
  readonly seconds: number;
  readonly clusterDir: string;
  readonly costs: PhaseCost[];
  readonly log: (line: string) => void;
}

interface Side {
  latencies: Float64Array[];
  completed: number;
  ms: number;
  failures: number;
}

const MIN_RATIO = 0.4;
/** Alternating slices, so that a machine whose load drifts weighs on both sides alike. */
const SLICES = ['korrigo', 'anchor', 'anchor', 'korrigo', 'korrigo', 'anchor', 'anchor', 'korrigo'] as const;
const RAMP_MS = 1000;
const WARM_UP_MS = 1000;
const MAX_P95_MS = 50;

export const benchLotQuery = async (
  api: ApiHarness,
  school: BenchSchool,
  anchor: LotAnchor,
  clients: LoadClients,
  options: LotSectionOptions,
): Promise<{ rows: Row[]; facts: [string, string][] }> => {
  const most = Math.max(...options.levels.map((level) => level.clients));
  options.log(`signing in ${most} sessions of the lot's teacher…`);
  const sessions = [];
  for (let i = 0; i < most; i++) sessions.push(sessionHeaders(await newSession(api, school.lotTeacher.email)));
  const graphqlBody = JSON.stringify({ query: LOT_QUERY, variables: { examId: school.examId } });
  const korrigoSpecs: RequestSpec[] = sessions.map((headers) => ({
    url: `${api.base}/api/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: graphqlBody,
  }));
  const anchorSpec: RequestSpec = {
    url: anchor.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ teacherId: school.lotTeacher.userId, examId: school.examId }),
  };

  // Both answer the same rows: checked once, and their sizes shown.
  const [korrigoBody, anchorBody] = await Promise.all(
    [korrigoSpecs[0]!, anchorSpec].map(async (spec) =>
      (await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body })).text(),
    ),
  );
  const korrigoLot = (JSON.parse(korrigoBody!) as { data: { myCopies: { copyId: string }[] } }).data.myCopies;
  const anchorLot = (JSON.parse(anchorBody!) as { data: { myCopies: { copyId: string }[] } }).data.myCopies;
  if (korrigoLot.length !== school.lot.length || korrigoLot.map((c) => c.copyId).join() !== anchorLot.map((c) => c.copyId).join()) {
    throw new Error(`the lot differs: GraphQL ${korrigoLot.length} copies, anchor ${anchorLot.length}, expected ${school.lot.length}`);
  }
  const facts: [string, string][] = [
    [
      'lot answer size',
      `GraphQL ${korrigoBody!.length.toLocaleString('en-US')} B, anchor ${anchorBody!.length.toLocaleString('en-US')} B (${korrigoLot.length} copies)`,
    ],
  ];

  const rows: Row[] = [];
  for (const level of options.levels) {
    const paced = level.intervalMs !== undefined;
    const korrigoJob = { kind: 'closed-loop', clients: korrigoSpecs.slice(0, level.clients), ms: 0, intervalMs: level.intervalMs } as const;
    const anchorJob = {
      kind: 'closed-loop',
      clients: Array.from({ length: level.clients }, () => anchorSpec),
      ms: 0,
      intervalMs: level.intervalMs,
    } as const;
    const sliceMs = (options.seconds * 1000) / (SLICES.length / 2);
    // Closed-loop clients start one by one over RAMP_MS at every slice (not recorded): 50 requests
    // sent in the same millisecond would measure a burst at each slice start, not the steady state.
    const rampMs = paced ? 0 : RAMP_MS;
    const who = `myCopies (${school.lot.length} copies), ${level.clients} client${level.clients > 1 ? 's' : ''}${
      paced ? ` each every ${level.intervalMs! / 1000} s (${Math.round((level.clients * 1000) / level.intervalMs!)} req/s offered)` : ''
    }`;
    options.log(`${who}: warm-up, then ${options.seconds}s per side in slices ${SLICES.map((side) => side[0]!.toUpperCase()).join(' ')}…`);
    await clients.run({ ...korrigoJob, ms: WARM_UP_MS, rampMs: RAMP_MS });
    await clients.run({ ...anchorJob, ms: WARM_UP_MS, rampMs: RAMP_MS });
    const sides: Record<'korrigo' | 'anchor', Side> = {
      korrigo: { latencies: [], completed: 0, ms: 0, failures: 0 },
      anchor: { latencies: [], completed: 0, ms: 0, failures: 0 },
    };
    const sliceCosts: Record<'korrigo' | 'anchor', PhaseCost[]> = { korrigo: [], anchor: [] };
    for (const side of SLICES) {
      const job = { ...(side === 'korrigo' ? korrigoJob : anchorJob), ms: sliceMs, rampMs };
      const result: ClosedLoopResult = await measured(sliceCosts[side], side, options.clusterDir, () => clients.run(job));
      sides[side].latencies.push(result.latencies);
      sides[side].completed += result.completed;
      sides[side].ms += result.ms;
      sides[side].failures += result.failures;
    }
    for (const side of ['korrigo', 'anchor'] as const) {
      const parts = sliceCosts[side];
      options.costs.push({
        phase: `lot query, ${level.clients} client(s)${paced ? ' paced' : ''}, ${side === 'korrigo' ? 'GraphQL' : 'anchor'} (slices with their ramp-up)`,
        seconds: parts.reduce((total, cost) => total + cost.seconds, 0),
        nodeCpu: parts.reduce((total, cost) => total + cost.nodeCpu, 0),
        postgresCpu: parts.some((cost) => cost.postgresCpu === null) ? null : parts.reduce((total, cost) => total + cost.postgresCpu!, 0),
      });
    }
    if (sides.korrigo.failures || sides.anchor.failures) {
      throw new Error(`failed answers: GraphQL ${sides.korrigo.failures}, anchor ${sides.anchor.failures}`);
    }
    const rate = (side: Side): number => (side.completed * 1000) / side.ms;
    const latency = (side: Side): LatencySummary => summarize(concat(side.latencies));
    const korrigoRate = rate(sides.korrigo);
    const anchorRate = rate(sides.anchor);
    const korrigoLatency = latency(sides.korrigo);
    const anchorLatency = latency(sides.anchor);
    if (!paced) {
      rows.push({
        measure: `${who}: throughput`,
        korrigo: formatPerSecond(korrigoRate, 'req'),
        anchor: formatPerSecond(anchorRate, 'req'),
        ratio: `${(korrigoRate / anchorRate).toFixed(2)}×`,
        bar: `≥ ${MIN_RATIO}×`,
        ok: korrigoRate / anchorRate >= MIN_RATIO ? 'yes' : 'NO',
      });
    }
    const latencyBar = level.clients === most;
    const latencyOk = korrigoLatency.p95 < MAX_P95_MS ? 'yes' : anchorLatency.p95 < MAX_P95_MS ? 'NO' : 'NO (anchor too)';
    rows.push({
      measure: `${who}: latency p50 / p95 / p99`,
      korrigo: formatLatency(korrigoLatency),
      anchor: formatLatency(anchorLatency),
      ratio: `${(korrigoLatency.p95 / anchorLatency.p95).toFixed(2)}× (p95)`,
      bar: latencyBar ? `p95 < ${MAX_P95_MS} ms` : '—',
      ok: latencyBar ? latencyOk : '—',
    });
    options.log(
      `  GraphQL ${Math.round(korrigoRate)} req/s p95 ${ms(korrigoLatency.p95)} ms; anchor ${Math.round(anchorRate)} req/s p95 ${ms(anchorLatency.p95)} ms`,
    );
  }
  return { rows, facts };
};
