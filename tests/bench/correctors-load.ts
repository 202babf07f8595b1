import { copyStreamId } from '#domain';
import type { ApiHarness } from '../support/api-harness.js';
import { sessionHeaders } from './support/bench-api.js';
import { type BenchSchool, SCORED_QUESTIONS } from './support/bench-school.js';
import { type PhaseCost, measured } from './support/cpu.js';
import { formatLatency, formatPerSecond, summarize } from './support/latency.js';
import type { LoadClients } from './support/load-client.js';
import type { CorrectorsResult } from './support/load-worker.js';
import type { Row } from './support/timed.js';

/**
 * Section 3: a correction session at scale. Each simulated corrector (its own account and session)
 * locks a copy of its lot with a one-minute lease, then annotates and scores as fast as the API
 * answers, renewing the lease as the workspace's heartbeat does. Afterwards every annotation is
 * counted three ways: in the event store (AnnotationAdded minus AnnotationRemoved, read from the copy
 * streams), as acknowledged by a successful mutation, and in the `copy_annotations` read model.
 */

export interface LoadSectionOptions {
  readonly seconds: number;
  readonly clusterDir: string;
  readonly costs: PhaseCost[];
  readonly log: (line: string) => void;
}

const LEASE_MINUTES = 1;
const ANNOTATIONS_PER_SCORE = 4;
const SERVER_FAILURES = new Set(['INTERNAL_SERVER_ERROR', 'UNAVAILABLE', 'NO_CODE']);

const sum = (record: Record<string, number>, keep: (key: string) => boolean): number =>
  Object.entries(record).reduce((total, [key, count]) => total + (keep(key) ? count : 0), 0);

export const benchCorrectorsLoad = async (
  api: ApiHarness,
  school: BenchSchool,
  clients: LoadClients,
  options: LoadSectionOptions,
): Promise<{ rows: Row[]; facts: [string, string][] }> => {
  const plans = school.correctors.map((corrector) => ({
    headers: { 'content-type': 'application/json', ...sessionHeaders(corrector.client) },
    copyId: corrector.copies[0]!.copyId,
    pageIds: corrector.copies[0]!.pageIds,
  }));
  const ms = options.seconds * 1000;
  options.log(`load run: ${plans.length} correctors annotating and scoring for ${options.seconds}s…`);
  const result: CorrectorsResult = await measured(options.costs, `load run, ${plans.length} correctors`, options.clusterDir, () =>
    clients.run({
      kind: 'correctors',
      url: `${api.base}/api/graphql`,
      correctors: plans,
      questions: SCORED_QUESTIONS,
      ms,
      leaseMinutes: LEASE_MINUTES,
      renewEveryMs: Math.min(20_000, ms / 3),
      annotationsPerScore: ANNOTATIONS_PER_SCORE,
    }),
  );

  options.log('load run: waiting for the projections, then counting annotations…');
  if (!(await api.runner.catchUp(60_000))) throw new Error('projections did not catch up within 60 s');
  const copyIds = plans.map((plan) => plan.copyId);
  let inStore = 0;
  for (const copyId of copyIds) {
    for (const event of await api.runtime.store.readStream(copyStreamId(copyId))) {
      if (event.type === 'AnnotationAdded') inStore++;
      else if (event.type === 'AnnotationRemoved') inStore--;
    }
  }
  const acknowledgedIds = result.acknowledged.flat();
  const acknowledged = new Set(acknowledgedIds).size;
  const { rows: readModel } = await api.runtime.pool.query<{ annotation_id: string }>(
    `SELECT annotation_id FROM copy_annotations WHERE copy_id = ANY($1)`,
    [copyIds],
  );
  const inReadModel = new Set(readModel.map((row) => row.annotation_id));
  const lost = acknowledgedIds.filter((id) => !inReadModel.has(id)).length;

  const operations = Object.entries(result.operations);
  const calls = operations.reduce((total, [, stats]) => total + stats.latencies.length, 0);
  const fivexx = operations.reduce((total, [, stats]) => total + sum(stats.statuses, (status) => Number(status) >= 500), 0);
  const serverErrors = operations.reduce((total, [, stats]) => total + sum(stats.errors, (code) => SERVER_FAILURES.has(code)), 0);
  const otherErrors = operations
    .flatMap(([name, stats]) =>
      Object.entries(stats.errors)
        .filter(([code]) => !SERVER_FAILURES.has(code))
        .map(([code, n]) => `${name} ${code} ×${n}`),
    )
    .join(', ');
  const counted = inStore === acknowledged && acknowledged === inReadModel.size && lost === 0 && result.missingFromAnswer === 0;
  const latencyRow = (name: string): Row => {
    const stats = result.operations[name]!;
    return {
      measure: `load: ${name} latency p50 / p95 / p99 (${stats.latencies.length}×)`,
      korrigo: formatLatency(summarize(stats.latencies)),
      anchor: '—',
      ratio: '—',
      bar: '—',
      ok: '—',
    };
  };
  return {
    rows: [
      {
        measure: `load: ${plans.length} correctors × ${options.seconds}s, mutations`,
        korrigo: formatPerSecond((calls * 1000) / result.ms, 'mut'),
        anchor: '—',
        ratio: '—',
        bar: '—',
        ok: '—',
      },
      latencyRow('addAnnotation'),
      latencyRow('awardScore'),
      {
        measure: 'load: 5xx answers / server errors / transport errors',
        korrigo: `${fivexx} / ${serverErrors} / ${result.transportErrors}`,
        anchor: '—',
        ratio: '—',
        bar: '0 / 0 / 0',
        ok: fivexx === 0 && serverErrors === 0 && result.transportErrors === 0 ? 'yes' : 'NO',
      },
      {
        measure: 'load: annotations in store / acknowledged / in read model',
        korrigo: `${inStore} / ${acknowledged} / ${inReadModel.size}`,
        anchor: '—',
        ratio: '—',
        bar: 'all equal, 0 lost',
        ok: counted ? 'yes' : `NO (${lost} acknowledged not in read model, ${result.missingFromAnswer} answers without it)`,
      },
    ],
    facts: [
      [
        'load run',
        `${calls} calls in ${(result.ms / 1000).toFixed(1)}s: ${operations.map(([name, stats]) => `${name} ${stats.latencies.length}`).join(', ')}; ` +
          `lock lease ${LEASE_MINUTES} min, ${result.relocks} re-locks`,
      ],
      ['load run, refused calls (client-side errors)', otherErrors || 'none'],
    ],
  };
};
