import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type EventData,
  type EventMetadata,
  type ImportedEvent,
  type JsonObject,
  type Position,
  PostgresEventStore,
  START,
  comparePositions,
  formatPosition,
  parsePosition,
} from '#event-store';
import { ProjectionRunner, checksumTables } from '#projections';
import { crashProjections as allProjections } from './crash-projections.js';
import { type TestDatabase, createTestDatabase } from '../support/pg.js';

/*
 * The projection crash test (DESIGN §5: rows and checkpoint commit together). A child process runs
 * the real runner over a large store and is killed with SIGKILL at random points, then restarted;
 * after each kill the read models must match their checkpoints exactly, and at the end the read
 * models must equal a clean rebuild of the same store in a fresh database, checksum for checksum.
 * The child is TypeScript run through tests/support/ts-loader.mjs (no build needed). The generated
 * store is reproducible with KORRIGO_CRASH_SEED=<seed shown in the test name>; kill points are not.
 */

const CHILD = fileURLToPath(new URL('./projection-crash.child.ts', import.meta.url));
const LOADER = new URL('../support/ts-loader.mjs', import.meta.url).href;
const APP = 'projection-crash-child';

const INITIAL_EVENTS = 45_000;
const IMPORT_CHUNK = 2_500;
const REQUIRED_MID_STREAM_KILLS = 12;
const MAX_KILLS = 25;
const BATCH_SIZES = [50, 100, 200] as const;
const SEED = Number(process.env.KORRIGO_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

// ---------------------------------------------------------------------------------------------
// A seeded generator of realistic streams: exams, and copies of 20–200 events being corrected.
// ---------------------------------------------------------------------------------------------

const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Generated {
  readonly streamId: string;
  readonly revision: bigint;
  readonly event: EventData;
  readonly recordedAt: string;
}

interface Exam {
  readonly id: string;
  readonly correctors: readonly string[];
  readonly questions: readonly string[];
}

interface CopyStream {
  readonly streamId: string;
  readonly exam: Exam;
  readonly length: number;
  readonly corrector: string;
  next: number;
  locked: boolean;
  annotations: string[];
}

class StoreGenerator {
  private readonly random: () => number;
  private clock = Date.parse('2026-03-02T08:00:00.000Z');
  private readonly admin: string;
  private readonly system: string;
  private exam: Exam | null = null;
  private copiesOfExam = 0;
  private readonly active: CopyStream[] = [];
  private readonly pendingExamEvents: Generated[] = [];

  constructor(seed: number) {
    this.random = mulberry32(seed);
    this.admin = this.uuid();
    this.system = this.uuid();
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[Math.floor(this.random() * 4)]!;
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** The next `count` events of `$all`: copies interleaved, as many correctors work at once. */
  take(count: number): Generated[] {
    const out: Generated[] = [];
    while (out.length < count) {
      const examEvent = this.pendingExamEvents.shift();
      if (examEvent) {
        out.push(examEvent);
        continue;
      }
      while (this.active.length < 40) this.active.push(this.newCopy());
      const index = Math.floor(this.random() * this.active.length);
      const copy = this.active[index]!;
      out.push(this.copyEvent(copy));
      if (copy.next === copy.length) this.active.splice(index, 1);
    }
    return out;
  }

  private tick(): string {
    this.clock += this.int(200, 20_000);
    return new Date(this.clock).toISOString();
  }

  private metadata(actorId: string, actorRole: string): EventMetadata {
    return { actorId, actorRole, correlationId: this.uuid(), causationId: this.uuid(), occurredAt: this.tick(), schemaVersion: 1 };
  }

  private generated(streamId: string, revision: number, type: string, data: JsonObject, metadata: EventMetadata): Generated {
    return {
      streamId,
      revision: BigInt(revision),
      event: { eventId: this.uuid(), type, data, metadata },
      recordedAt: new Date(Date.parse(metadata.occurredAt!) + this.int(1, 50)).toISOString(),
    };
  }

  private newCopy(): CopyStream {
    if (!this.exam || this.copiesOfExam >= 30) this.exam = this.newExam();
    this.copiesOfExam++;
    return {
      streamId: `copy-${this.uuid()}`,
      exam: this.exam,
      length: this.int(20, 200),
      corrector: this.pick(this.exam.correctors),
      next: 0,
      locked: false,
      annotations: [],
    };
  }

  private newExam(): Exam {
    this.copiesOfExam = 0;
    const exam: Exam = {
      id: this.uuid(),
      correctors: Array.from({ length: this.int(1, 4) }, () => this.uuid()),
      questions: Array.from({ length: this.int(3, 12) }, () => this.uuid()),
    };
    const streamId = `exam-${exam.id}`;
    const admin = (): EventMetadata => this.metadata(this.admin, 'admin');
    this.pendingExamEvents.push(
      this.generated(
        streamId,
        0,
        'ExamCreated',
        { title: `Exam ${exam.id.slice(0, 6)}`, subject: 'Mathematics', date: '2026-03-01' },
        admin(),
      ),
      this.generated(
        streamId,
        1,
        'GradingScaleDefined',
        { version: 1, questions: exam.questions.map((id, i) => ({ id, label: `Q${i + 1}`, maxPoints: this.int(1, 6), step: 0.5 })) },
        admin(),
      ),
      this.generated(streamId, 2, 'CorrectorsAssigned', { correctorIds: [...exam.correctors] }, admin()),
    );
    return exam;
  }

  private copyEvent(copy: CopyStream): Generated {
    const revision = copy.next++;
    const { streamId, exam, corrector } = copy;
    const byCorrector = (): EventMetadata => this.metadata(corrector, 'corrector');
    const bySystem = (): EventMetadata => this.metadata(this.system, 'system');
    const emit = (type: string, data: JsonObject, metadata: EventMetadata): Generated =>
      this.generated(streamId, revision, type, data, metadata);
    if (revision === 0) {
      const pages = Array.from({ length: this.int(2, 8) }, (_, i) => i + 1);
      return emit('CopyImported', { examId: exam.id, scanId: this.uuid(), pages, anonymousCode: `K-${this.int(1000, 9999)}` }, bySystem());
    }
    if (revision === 1) {
      return emit(
        'HeaderRead',
        { engine: 'tesseract', text: 'NOM PRENOM', candidates: [this.uuid(), this.uuid()], confidence: this.random() },
        bySystem(),
      );
    }
    if (revision === 2) return emit('StudentIdentified', { studentId: this.uuid(), method: 'auto', by: this.system }, bySystem());
    if (revision === 3) return emit('CopyAssigned', { correctorId: corrector }, this.metadata(this.admin, 'admin'));
    if (revision === copy.length - 1) {
      copy.locked = false;
      return emit('CopyFinalized', { total: this.int(0, 40), max: 40 }, byCorrector());
    }
    if (!copy.locked) {
      copy.locked = true;
      return emit('CopyLocked', { holder: corrector, leaseUntil: new Date(this.clock + 30 * 60_000).toISOString() }, byCorrector());
    }
    const roll = this.random();
    if (roll < 0.3) {
      const annotationId = this.uuid();
      copy.annotations.push(annotationId);
      return emit(
        'AnnotationAdded',
        { annotationId, page: this.int(1, 8), x: this.random(), y: this.random(), text: 'Bien vu' },
        byCorrector(),
      );
    }
    if (roll < 0.4 && copy.annotations.length > 0) {
      return emit('AnnotationEdited', { annotationId: this.pick(copy.annotations), text: 'Justifier ce passage' }, byCorrector());
    }
    if (roll < 0.7) return emit('ScoreAwarded', { questionId: this.pick(exam.questions), points: this.int(0, 8) / 2 }, byCorrector());
    if (roll < 0.8) return emit('RemarkWritten', { text: 'Raisonnement correct, rédaction à soigner.' }, byCorrector());
    if (roll < 0.93) return emit('LockRenewed', { leaseUntil: new Date(this.clock + 30 * 60_000).toISOString() }, byCorrector());
    copy.locked = false;
    return emit('CopyUnlocked', {}, byCorrector());
  }
}

// ---------------------------------------------------------------------------------------------
// The child process and what the test reads of the database while it runs.
// ---------------------------------------------------------------------------------------------

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly messages: Record<string, unknown>[];
  output(): string;
}

const children = new Set<ChildProcess>();

const startChild = (url: string, batchSize: number): Child => {
  const child = spawn(process.execPath, ['--enable-source-maps', '--import', LOADER, CHILD], {
    env: { ...process.env, KORRIGO_CRASH_DB_URL: url, KORRIGO_CRASH_BATCH: String(batchSize), KORRIGO_CRASH_APP: APP },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const messages: Record<string, unknown>[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split('\n');
    stdout = lines.pop()!;
    for (const line of lines) if (line.trim()) messages.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { process: child, exited, messages, output: () => `stdout: ${JSON.stringify(messages)}\nstderr: ${stderr}` };
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const waitUntil = async (what: string, condition: () => Promise<boolean>, timeoutMs: number, everyMs = 10): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
};

interface StoredCheckpoint {
  readonly position: Position;
  readonly eventsSeen: bigint;
}

/** Checkpoints by projection name; empty until the child has created the table. */
const checkpoints = async (db: TestDatabase): Promise<Map<string, StoredCheckpoint>> => {
  try {
    const { rows } = await db.pool.query<{ name: string; position: string; events_seen: string }>(
      `SELECT name, position, events_seen::text FROM projection_checkpoints`,
    );
    return new Map(rows.map((row) => [row.name, { position: parsePosition(row.position), eventsSeen: BigInt(row.events_seen) }]));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return new Map();
    throw error;
  }
};

const positionOf = (map: Map<string, StoredCheckpoint>, name: string): Position => map.get(name)?.position ?? START;

const childSessions = async (db: TestDatabase): Promise<{ sessions: number; inTransaction: number }> => {
  const { rows } = await db.pool.query<{ sessions: number; in_transaction: number }>(
    `SELECT count(*)::int AS sessions, count(*) FILTER (WHERE xact_start IS NOT NULL)::int AS in_transaction
     FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [APP],
  );
  return { sessions: rows[0]!.sessions, inTransaction: rows[0]!.in_transaction };
};

/**
 * With no process writing, each projection's rows must be exactly the effect of the events up to
 * its checkpoint: no batch half-applied, none applied twice, none lost.
 */
const expectConsistentWithCheckpoints = async (db: TestDatabase): Promise<void> => {
  const stored = await checkpoints(db);
  for (const [name, checkpoint] of stored) {
    const { rows } = await db.pool.query<{ events: string; streams: string; revisions: string }>(
      `SELECT coalesce(sum(events), 0)::text AS events, count(*)::text AS streams, coalesce(sum(revision + 1), 0)::text AS revisions
       FROM (SELECT stream_id, count(*) AS events, max(revision) AS revision FROM es_events
             WHERE (transaction_id, position) <= ($1::text::xid8, $2::bigint) GROUP BY stream_id) AS streams`,
      [checkpoint.position.commit.toString(), checkpoint.position.prepare.toString()],
    );
    const upTo = rows[0]!;
    expect({ name, eventsSeen: checkpoint.eventsSeen.toString() }).toEqual({ name, eventsSeen: upTo.events });
    if (name === 'audit-log') {
      const { rows: audit } = await db.pool.query<{ count: string }>(`SELECT count(*)::text AS count FROM audit_log`);
      expect({ name, rows: audit[0]!.count }).toEqual({ name, rows: upTo.events });
    } else if (name === 'stream-summary') {
      const { rows: summary } = await db.pool.query<{ streams: string; revisions: string }>(
        `SELECT count(*)::text AS streams, coalesce(sum(revision + 1), 0)::text AS revisions FROM stream_summary`,
      );
      expect({ name, ...summary[0] }).toEqual({ name, streams: upTo.streams, revisions: upTo.revisions });
    }
  }
};

const checksums = async (db: TestDatabase): Promise<Record<string, Record<string, string>>> => {
  const client = await db.pool.connect();
  try {
    const sums: Record<string, Record<string, string>> = {};
    for (const projection of allProjections) sums[projection.name] = await checksumTables(client, projection);
    return sums;
  } finally {
    client.release();
  }
};

// ---------------------------------------------------------------------------------------------

describe('projection crash test', () => {
  let db: TestDatabase | null = null;
  let rebuildDb: TestDatabase | null = null;
  let store: PostgresEventStore | null = null;

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await store?.close();
    await db?.drop();
    await rebuildDb?.drop();
  });

  it(`survives SIGKILL at ${REQUIRED_MID_STREAM_KILLS}+ random points and ends equal to a clean rebuild (seed ${SEED})`, async () => {
    db = await createTestDatabase();
    store = await PostgresEventStore.create(db.pool, { pollIntervalMs: 100 });
    const generator = new StoreGenerator(SEED);
    const random = mulberry32(SEED ^ 0x5bd1e995);

    // A large store, imported in big transactions.
    for (let done = 0; done < INITIAL_EVENTS; done += IMPORT_CHUNK) {
      const chunk: ImportedEvent[] = generator
        .take(Math.min(IMPORT_CHUNK, INITIAL_EVENTS - done))
        .map(({ streamId, revision, event, recordedAt }) => ({ ...event, streamId, revision, recordedAt }));
      await store.importEvents(chunk);
    }

    /** Live writes: concurrent appends of 1–N events per stream, so transactions commit out of position order. */
    const appendLive = async (count: number): Promise<void> => {
      const byStream = new Map<string, Generated[]>();
      for (const generated of generator.take(count))
        byStream.set(generated.streamId, [...(byStream.get(generated.streamId) ?? []), generated]);
      const groups = [...byStream.values()];
      for (let i = 0; i < groups.length; i += 8) {
        await Promise.all(
          groups.slice(i, i + 8).map(async (group) => {
            const first = group[0]!;
            await store!.append(
              first.streamId,
              group.map((g) => g.event),
              first.revision === 0n ? 'no_stream' : first.revision - 1n,
            );
          }),
        );
      }
    };

    const kills: { batchSize: number; progressed: boolean; unfinished: boolean; inTransaction: number; at: string; head: string }[] = [];
    const midStream = (): number => kills.filter((kill) => kill.progressed && kill.unfinished).length;

    while (midStream() < REQUIRED_MID_STREAM_KILLS) {
      if (kills.length >= MAX_KILLS)
        throw new Error(`Only ${midStream()} of ${kills.length} kills hit a child in the middle of the stream: ${JSON.stringify(kills)}`);
      const before = await checkpoints(db);
      const batchSize = BATCH_SIZES[Math.floor(random() * BATCH_SIZES.length)]!;
      const child = startChild(db.url, batchSize);
      const moved = async (): Promise<boolean> => {
        const now = await checkpoints(db!);
        return allProjections.some((p) => comparePositions(positionOf(now, p.name), positionOf(before, p.name)) > 0);
      };
      // Kill at a random point once it is projecting; some runs also see live appends meanwhile.
      let exitedEarly = false;
      void child.exited.then(() => (exitedEarly = true));
      await waitUntil(
        'the child to move a checkpoint',
        async () => {
          if (exitedEarly) throw new Error(`The child exited before it was killed\n${child.output()}`);
          return moved();
        },
        20_000,
      );
      // The kill point: a random time, but never more than a random number of events further, so
      // that a fast machine does not reach the head before the last kill.
      const writing = random() < 0.5 ? appendLive(generator.int(100, 400)) : Promise.resolve();
      const killAt = Date.now() + Math.floor(random() * 400);
      const maxEvents = BigInt(200 + Math.floor(random() * 2300));
      await waitUntil(
        'the kill point',
        async () => {
          if (exitedEarly) throw new Error(`The child exited before it was killed\n${child.output()}`);
          if (Date.now() >= killAt) return true;
          const now = await checkpoints(db!);
          return allProjections.some((p) => (now.get(p.name)?.eventsSeen ?? 0n) - (before.get(p.name)?.eventsSeen ?? 0n) >= maxEvents);
        },
        10_000,
        5,
      );
      const { inTransaction } = await childSessions(db);
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      await writing;
      expect(signal).toBe('SIGKILL');
      // Once the server has ended the dead child's sessions, its last transaction either committed or rolled back.
      await waitUntil('the killed child’s sessions to end', async () => (await childSessions(db!)).sessions === 0, 10_000);

      const after = await checkpoints(db);
      const head = (await store.head())!.position;
      kills.push({
        batchSize,
        progressed: allProjections.some((p) => comparePositions(positionOf(after, p.name), positionOf(before, p.name)) > 0),
        unfinished: allProjections.some((p) => comparePositions(positionOf(after, p.name), head) < 0),
        inTransaction,
        at: allProjections.map((p) => formatPosition(positionOf(after, p.name))).join(' '),
        head: formatPosition(head),
      });
      await expectConsistentWithCheckpoints(db);
      if (random() < 0.5) await appendLive(generator.int(100, 400));
    }

    // Last run: no kill; the child projects up to the head and exits on its own.
    const last = startChild(db.url, 100);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([last.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 60_000)))]);
    clearTimeout(timer);
    expect({ exit, output: exit?.code === 0 ? '' : last.output() }).toEqual({ exit: { code: 0, signal: null }, output: '' });
    expect(last.messages.at(-1)).toMatchObject({ event: 'caught-up', caughtUp: true });

    const head = (await store.head())!.position;
    const total = await store.countEvents();
    const final = await checkpoints(db);
    for (const projection of allProjections) {
      expect({
        name: projection.name,
        position: formatPosition(positionOf(final, projection.name)),
        eventsSeen: final.get(projection.name)?.eventsSeen,
      }).toEqual({
        name: projection.name,
        position: formatPosition(head),
        eventsSeen: total,
      });
    }
    await expectConsistentWithCheckpoints(db);
    const crashed = await checksums(db);

    // A clean rebuild of the same store in a fresh database, in this process.
    rebuildDb = await createTestDatabase();
    const runner = new ProjectionRunner(store, rebuildDb.pool, allProjections, { batchSize: 1000, log: () => undefined });
    await runner.start();
    try {
      expect(await runner.catchUp(60_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    const rebuilt = await checksums(rebuildDb);
    const rebuiltCheckpoints = await checkpoints(rebuildDb);
    for (const projection of allProjections)
      expect(formatPosition(positionOf(rebuiltCheckpoints, projection.name))).toBe(formatPosition(head));

    expect(crashed).toEqual(rebuilt);
    expect(Object.values(crashed['audit-log']!)[0]).toMatch(new RegExp(`^${total}:`));
    expect(kills.length).toBeGreaterThanOrEqual(10);
    expect(midStream()).toBeGreaterThanOrEqual(10);
    console.info(
      `projection crash test (seed ${SEED}): ${total} events, ${kills.length} kills, ${midStream()} mid-stream, ` +
        `${kills.filter((kill) => kill.inTransaction > 0).length} with a child transaction open just before the kill`,
    );
  }, 180_000);
});
