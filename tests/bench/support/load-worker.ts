import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/**
 * The bench's clients, on a thread of their own so that their event loop is not the API's: the
 * server in the main thread answers them as it would answer browsers. fetch keeps its connections
 * alive (one per concurrent client) across jobs. Self-contained: node built-ins only.
 */

export interface RequestSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * Each client sends its request again as soon as the previous answer is read (closed loop), or, with
 * `intervalMs`, once every `intervalMs` from a random offset, like a user who reloads a page now and
 * then (a late answer delays that client's next request, never overlaps it). During `rampMs`
 * before the measured `ms`, closed-loop clients start one by one at random moments, as users do,
 * rather than all in the same millisecond, and what is sent then is not recorded.
 */
export interface ClosedLoopJob {
  readonly kind: 'closed-loop';
  readonly clients: readonly RequestSpec[];
  readonly ms: number;
  readonly intervalMs?: number;
  readonly rampMs?: number;
}

export interface ClosedLoopResult {
  /** Of the requests sent during the measured `ms`. */
  readonly latencies: Float64Array;
  /** Answers received during the measured `ms`, whenever sent: the throughput is this over `ms`. */
  readonly completed: number;
  readonly ms: number;
  /** Answers that were not a 200 without GraphQL errors. */
  readonly failures: number;
  readonly statuses: Record<string, number>;
}

export interface CorrectorPlan {
  readonly headers: Record<string, string>;
  readonly copyId: string;
  readonly pageIds: readonly string[];
}

/** Simulated correctors: each locks its copy, then annotates and scores until `ms` have passed. */
export interface CorrectorsJob {
  readonly kind: 'correctors';
  readonly url: string;
  readonly correctors: readonly CorrectorPlan[];
  readonly questions: readonly { questionId: string; maxPoints: number; step: number }[];
  readonly ms: number;
  readonly leaseMinutes: number;
  /** The workspace's heartbeat: renewCopyLock when this much time has passed since the lease was taken or renewed. */
  readonly renewEveryMs: number;
  /** One awardScore after this many annotations. */
  readonly annotationsPerScore: number;
}

export interface OperationStats {
  latencies: Float64Array;
  /** HTTP status → count. */
  statuses: Record<string, number>;
  /** GraphQL error code → count (answers with errors, whatever their status). */
  errors: Record<string, number>;
}

export interface CorrectorsResult {
  readonly ms: number;
  readonly operations: Record<string, OperationStats>;
  /** Per corrector: the annotation ids whose addAnnotation answered with the copy and no error. */
  readonly acknowledged: readonly (readonly string[])[];
  /** Acknowledged addAnnotation answers whose copy did not list the new annotation (read-your-writes broken). */
  readonly missingFromAnswer: number;
  /** Transport failures (connection refused or reset): not an HTTP answer at all. */
  readonly transportErrors: number;
  readonly relocks: number;
}

export type Job = ClosedLoopJob | CorrectorsJob;

// ---- closed loop ---------------------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const closedLoop = async (job: ClosedLoopJob): Promise<ClosedLoopResult> => {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let failures = 0;
  let completed = 0;
  const begin = performance.now();
  const start = begin + (job.rampMs ?? 0);
  const deadline = start + job.ms;
  await Promise.all(
    job.clients.map(async (spec) => {
      let next = begin + Math.random() * (job.intervalMs ?? job.rampMs ?? 0);
      for (;;) {
        if (next >= deadline) break;
        if (next > performance.now()) await sleep(next - performance.now());
        if (job.intervalMs) next = Math.max(next, performance.now()) + job.intervalMs;
        const sent = performance.now();
        if (sent >= deadline) break;
        const response = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
        const text = await response.text();
        const answered = performance.now();
        if (answered >= start && answered < deadline) completed++;
        if (sent < start) continue;
        latencies.push(answered - sent);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status !== 200 || text.startsWith('{"errors"') || text.includes('"errors":[')) failures++;
      }
    }),
  );
  return { latencies: Float64Array.from(latencies), completed, ms: job.ms, failures, statuses };
};

// ---- correctors ----------------------------------------------------------------------------------

const LOCK = `mutation($c: ID!, $l: Int) { lockCopy(copyId: $c, leaseMinutes: $l) { revision lock { holderId until } } }`;
const RENEW = `mutation($c: ID!, $l: Int) { renewCopyLock(copyId: $c, leaseMinutes: $l) { revision lock { holderId until } } }`;
const ANNOTATE = `mutation($c: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $c, annotation: $a) { revision annotations { annotationId } } }`;
const SCORE = `mutation($c: ID!, $q: ID!, $p: Float!) { awardScore(copyId: $c, questionId: $q, points: $p) { revision total scores { questionId points } } }`;

type GraphQLAnswer = { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };

const round = (value: number): number => Math.round(value * 1000) / 1000;
const between = (low: number, high: number): number => round(low + Math.random() * (high - low));

/** What a corrector draws, in the mix of a real copy: ticks and crosses mostly, some boxes, comments and pen strokes. */
const annotation = (pageIds: readonly string[]): Record<string, unknown> => {
  const base = { annotationId: randomUUID(), pageId: pageIds[Math.floor(Math.random() * pageIds.length)]! };
  const draw = Math.random();
  if (draw < 0.35) return { ...base, kind: 'TICK', x: between(0.05, 0.95), y: between(0.05, 0.95) };
  if (draw < 0.55) return { ...base, kind: 'CROSS', x: between(0.05, 0.95), y: between(0.05, 0.95) };
  if (draw < 0.7)
    return { ...base, kind: 'BOX', x: between(0.05, 0.6), y: between(0.05, 0.6), w: between(0.05, 0.3), h: between(0.02, 0.2) };
  if (draw < 0.85)
    return { ...base, kind: 'COMMENT', x: between(0.05, 0.9), y: between(0.05, 0.9), text: 'Justifier le passage à la limite.' };
  const x = between(0.1, 0.6);
  const y = between(0.1, 0.9);
  const points = Array.from({ length: 24 }, (_, i) => [round(x + i * 0.01), round(y + Math.sin(i / 3) * 0.01)]);
  return { ...base, kind: 'PEN', points, strokeWidth: 0.002, color: '#d32f2f' };
};

class Recorder {
  readonly latencies: number[] = [];
  readonly statuses: Record<string, number> = {};
  readonly errors: Record<string, number> = {};

  record(ms: number, status: number, answer: GraphQLAnswer | null): void {
    this.latencies.push(ms);
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    for (const error of answer?.errors ?? []) {
      const code = error.extensions?.code ?? 'NO_CODE';
      this.errors[code] = (this.errors[code] ?? 0) + 1;
    }
  }

  stats(): OperationStats {
    return { latencies: Float64Array.from(this.latencies), statuses: this.statuses, errors: this.errors };
  }
}

const correctors = async (job: CorrectorsJob): Promise<CorrectorsResult> => {
  const recorders: Record<string, Recorder> = {
    lockCopy: new Recorder(),
    renewCopyLock: new Recorder(),
    addAnnotation: new Recorder(),
    awardScore: new Recorder(),
  };
  let missingFromAnswer = 0;
  let transportErrors = 0;
  let relocks = 0;

  const call = async (
    plan: CorrectorPlan,
    operation: keyof typeof recorders,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<GraphQLAnswer | null> => {
    const sent = performance.now();
    let response: Response;
    let answer: GraphQLAnswer | null = null;
    try {
      response = await fetch(job.url, { method: 'POST', headers: plan.headers, body: JSON.stringify({ query, variables }) });
      const text = await response.text();
      try {
        answer = JSON.parse(text) as GraphQLAnswer;
      } catch {
        // not JSON (a 5xx page): counted by its status, answer stays null
      }
    } catch {
      transportErrors++;
      return null;
    }
    recorders[operation]!.record(performance.now() - sent, response.status, answer);
    return response.status === 200 && !answer?.errors?.length ? answer : null;
  };

  const start = performance.now();
  const deadline = start + job.ms;
  const acknowledged = await Promise.all(
    job.correctors.map(async (plan) => {
      const mine: string[] = [];
      const lock = async (): Promise<boolean> => (await call(plan, 'lockCopy', LOCK, { c: plan.copyId, l: job.leaseMinutes })) !== null;
      if (!(await lock())) return mine;
      let leaseTakenAt = performance.now();
      let sinceScore = 0;
      while (performance.now() < deadline) {
        if (performance.now() - leaseTakenAt >= job.renewEveryMs) {
          if (await call(plan, 'renewCopyLock', RENEW, { c: plan.copyId, l: job.leaseMinutes })) leaseTakenAt = performance.now();
          else if (await lock()) {
            relocks++;
            leaseTakenAt = performance.now();
          }
        }
        if (sinceScore >= job.annotationsPerScore) {
          sinceScore = 0;
          const question = job.questions[Math.floor(Math.random() * job.questions.length)]!;
          const points = Math.round((Math.random() * question.maxPoints) / question.step) * question.step;
          await call(plan, 'awardScore', SCORE, { c: plan.copyId, q: question.questionId, p: points });
          continue;
        }
        sinceScore++;
        const drawn = annotation(plan.pageIds);
        const answer = await call(plan, 'addAnnotation', ANNOTATE, { c: plan.copyId, a: drawn });
        const copy = answer?.data?.addAnnotation as { annotations?: { annotationId: string }[] } | undefined;
        if (!copy) continue;
        mine.push(drawn.annotationId as string);
        if (!copy.annotations?.some((a) => a.annotationId === drawn.annotationId)) missingFromAnswer++;
      }
      return mine;
    }),
  );
  const operations: Record<string, OperationStats> = {};
  for (const [name, recorder] of Object.entries(recorders)) operations[name] = recorder.stats();
  return { ms: performance.now() - start, operations, acknowledged, missingFromAnswer, transportErrors, relocks };
};

// ---- protocol ------------------------------------------------------------------------------------

parentPort?.on('message', (job: Job) => {
  const work = job.kind === 'closed-loop' ? closedLoop(job) : correctors(job);
  work.then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: unknown) =>
      parentPort!.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
