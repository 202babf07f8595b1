import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import {
  type EventStore,
  type Position,
  type RecordedEvent,
  type Subscription,
  START,
  comparePositions,
  formatPosition,
} from '#event-store';
import { CHECKPOINTS_DDL, lockCheckpoint, readCheckpoint, readCheckpoints, resetCheckpoint, saveCheckpoint } from './checkpoints.js';
import { type Projection, dropTables, handles } from './projection.js';

export interface ProjectionStatus {
  readonly name: string;
  readonly running: boolean;
  readonly checkpoint: Position;
  readonly lastEventAt: string | null;
  readonly eventsSeen: bigint;
  readonly caughtUp: boolean;
  /** Time between the newest event in the store and the newest event this projection has applied. */
  readonly lagSeconds: number;
  readonly lastError: string | null;
}

export interface RunnerOptions {
  readonly batchSize?: number;
  /** How often a runner that does not own a projection tries to take it over. */
  readonly takeoverIntervalMs?: number;
  readonly log?: (message: string) => void;
}

/** Rebuilds announce themselves here so that the runner owning the projection restarts its loop. */
const RESET_CHANNEL = 'korrigo_projection_reset';

interface Loop {
  projection: Projection;
  running: boolean;
  stop: (() => Promise<void>) | null;
  /** Makes a running loop re-read its checkpoint (a rebuild elsewhere) without giving up its lock. */
  reread: (() => Promise<void>) | null;
  /** Between a rebuild notice and the re-read: `checkpoint` is not to be trusted, the stored one is. */
  stale: boolean;
  /** Where the loop is: every event up to here is applied (in memory: read-your-writes answers from it). */
  checkpoint: Position;
  /** What the checkpoint row holds; behind `checkpoint` while batches without relevant events wait to be saved. */
  saved: Position;
  /** Events read past `saved` that the projection ignores, saved together at most every FLUSH_MS. */
  unsaved: { recordedAt: string; seen: number } | null;
  lastSaveAt: number;
  flushTimer: NodeJS.Timeout | null;
  /** Saves of one loop run one at a time (the loop's batches and the idle flush). */
  queue: Promise<unknown>;
  lastError: string | null;
}

/**
 * A batch with no event for the projection only moves its checkpoint: that write is deferred and
 * grouped (at most every FLUSH_MS), so eight projections do not each commit, with a disk flush, for
 * every event only one of them reads. A crash loses only deferred positions, re-read on restart.
 */
const FLUSH_MS = 1000;

/** Whether the loop's in-memory checkpoint is the projection's (else the stored one is). */
const live = (loop: Loop): boolean => loop.running && !loop.stale;

/**
 * Runs projections (DESIGN §5): each reads `$all` from its checkpoint and writes its rows and its
 * checkpoint in one transaction, so a crash at any point leaves rows and checkpoint consistent.
 * A projection runs in one process at a time: the runner holds a PostgreSQL advisory lock per
 * projection on a dedicated session; another replica takes over when that session dies.
 */
export class ProjectionRunner {
  private readonly loops = new Map<string, Loop>();
  private readonly progress = new EventEmitter();
  private lockSession: PoolClient | null = null;
  /** Queries on the lock session go one at a time (loops stopping together each unlock theirs). */
  private lockSessionQueue: Promise<unknown> = Promise.resolve();
  private takeoverTimer: NodeJS.Timeout | null = null;
  private takeovers: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    for (const projection of projections)
      this.loops.set(projection.name, {
        projection,
        running: false,
        stop: null,
        reread: null,
        stale: false,
        checkpoint: START,
        saved: START,
        unsaved: null,
        lastSaveAt: 0,
        flushTimer: null,
        queue: Promise.resolve(),
        lastError: null,
      });
    this.progress.setMaxListeners(0);
  }

  get projections(): Projection[] {
    return [...this.loops.values()].map((loop) => loop.projection);
  }

  /** Creates tables, rebuilds projections whose version changed, and starts every loop it can own. */
  async start(): Promise<void> {
    await this.ensureSchema();
    this.stopped = false;
    await this.openLockSession();
    await this.takeOver();
    const interval = this.options.takeoverIntervalMs ?? 5000;
    this.takeoverTimer = setInterval(
      () => void this.takeOver().catch((error: unknown) => this.log(`takeover failed: ${String(error)}`)),
      interval,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.takeoverTimer) clearInterval(this.takeoverTimer);
    await this.takeovers; // a loop being started now is started before it is stopped
    await Promise.all([...this.loops.values()].map((loop) => loop.stop?.()));
    const session = this.lockSession;
    this.lockSession = null;
    session?.removeAllListeners('error');
    session?.on('error', () => undefined);
    session?.release(true); // ending the session releases its advisory locks
  }

  /**
   * One takeover attempt at a time. Advisory locks are re-entrant within a session: two overlapping
   * attempts (the timer firing while a slow one still prepares a loop) would both get the lock and
   * start the same projection twice in this process.
   */
  private takeOver(): Promise<void> {
    const attempt = this.takeovers.then(() => this.tryTakeOver());
    this.takeovers = attempt.catch(() => undefined);
    return attempt;
  }

  private async tryTakeOver(): Promise<void> {
    for (const loop of this.loops.values()) {
      if (loop.running || this.stopped || !this.lockSession) continue;
      const locked = await this.onLockSession(async (session) => {
        const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
          `korrigo:projection:${loop.projection.name}`,
        ]);
        return rows[0]?.locked === true;
      });
      if (locked === true) await this.run(loop);
    }
  }

  private onLockSession(work: (session: PoolClient) => Promise<unknown>): Promise<unknown> {
    const run = this.lockSessionQueue.then(() => (this.lockSession ? work(this.lockSession) : undefined)).catch(() => undefined);
    this.lockSessionQueue = run;
    return run;
  }

  /** The session holding the advisory locks also hears of rebuilds made by any process. */
  private async openLockSession(): Promise<void> {
    const session = await this.pool.connect();
    session.on('error', () => void this.onLockSessionLost());
    session.on('notification', (message) => {
      if (message.channel === RESET_CHANNEL && message.payload) void this.follow(message.payload);
    });
    await session.query(`LISTEN ${RESET_CHANNEL}`);
    this.lockSession = session;
  }

  private async onLockSessionLost(): Promise<void> {
    if (this.stopped) return;
    this.log('projection lock session lost: stopping loops until the locks are taken again');
    await Promise.all([...this.loops.values()].map((loop) => loop.stop?.()));
    this.lockSession?.release(true);
    this.lockSession = null;
    if (!this.stopped) await this.openLockSession().catch(() => undefined);
  }

  /**
   * A projection this runner owns was rebuilt: its loop goes on from the reset checkpoint, keeping
   * the lock (an idle loop has no batch to notice the reset by itself).
   */
  private async follow(name: string): Promise<void> {
    const loop = this.loops.get(name);
    if (!loop?.running || this.stopped) return;
    await loop.reread?.();
  }

  /** Where the loop (re)starts: the stored checkpoint, once the tables are in the projection's shape. */
  private async resume(loop: Loop): Promise<void> {
    await this.prepare(loop.projection);
    loop.checkpoint = loop.saved = (await readCheckpoint(this.pool, loop.projection.name))?.position ?? START;
    loop.unsaved = null;
  }

  private async run(loop: Loop): Promise<void> {
    const { projection } = loop;
    await this.resume(loop);
    loop.running = true;
    let subscription: Subscription | null = null;
    let stopping = false;
    let reread = false;
    const done = (async () => {
      try {
        while (!stopping) {
          while (reread) {
            reread = false;
            const resumed = loop.queue.then(() => this.resume(loop)); // after any save or flush in flight
            loop.queue = resumed.catch(() => undefined);
            await resumed;
          }
          loop.stale = false;
          if (stopping) break;
          subscription = this.store.subscribeToAll({ after: loop.checkpoint, maxBatch: this.options.batchSize ?? 1000 });
          for await (const batch of subscription) {
            if (!(await this.applyWithRetry(loop, batch))) break; // rebuilt elsewhere: follow from its new checkpoint
          }
          await subscription.close();
        }
      } catch (error) {
        loop.lastError = error instanceof Error ? error.message : String(error);
        this.log(`projection ${projection.name} stopped: ${loop.lastError}`);
      } finally {
        loop.running = loop.stale = false;
        loop.stop = loop.reread = null;
        if (loop.flushTimer) clearTimeout(loop.flushTimer);
        loop.flushTimer = null;
        // A clean stop saves the deferred positions, so other processes read an exact checkpoint.
        await loop.queue;
        if (loop.unsaved) await this.save(loop, [], loop.checkpoint, loop.unsaved.recordedAt, 0).catch(() => undefined);
        await this.onLockSession((session) =>
          session.query('SELECT pg_advisory_unlock(hashtext($1))', [`korrigo:projection:${projection.name}`]),
        );
      }
    })();
    loop.stop = async () => {
      stopping = true;
      await (subscription as Subscription | null)?.close();
      await done;
    };
    loop.reread = async () => {
      reread = loop.stale = true;
      await (subscription as Subscription | null)?.close();
    };
  }

  /** Setup is idempotent; a stored older version means the read model's shape changed: rebuild it. */
  private async prepare(projection: Projection): Promise<void> {
    await this.inTransaction(async (db) => {
      const stored = await readCheckpoint(db, projection.name);
      if (stored && stored.version !== projection.version) {
        this.log(`projection ${projection.name}: version ${stored.version} → ${projection.version}, rebuilding`);
        await dropTables(db, projection);
        await resetCheckpoint(db, projection.name, projection.version);
      }
      await projection.setup(db);
      if (!stored) await resetCheckpoint(db, projection.name, projection.version);
    });
  }

  /** False when the checkpoint was moved by someone else (a rebuild): the loop re-subscribes from it. */
  private async applyWithRetry(loop: Loop, batch: readonly RecordedEvent[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        const applied = await this.apply(loop, batch);
        loop.lastError = null;
        return applied;
      } catch (error) {
        loop.lastError = error instanceof Error ? error.message : String(error);
        this.log(`projection ${loop.projection.name} failed at ${formatPosition(batch[0]!.position)}: ${loop.lastError}`);
        if (this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 200 * 2 ** attempt)));
      }
    }
  }

  /** Batches and flushes of one loop go through its queue, one at a time. */
  private apply(loop: Loop, batch: readonly RecordedEvent[]): Promise<boolean> {
    const run = loop.queue.then(() => this.applyNow(loop, batch));
    loop.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(loop: Loop, batch: readonly RecordedEvent[]): Promise<boolean> {
    const { projection } = loop;
    const relevant = batch.filter((event) => handles(projection, event));
    const last = batch[batch.length - 1]!;
    if (relevant.length === 0 && Date.now() - loop.lastSaveAt < FLUSH_MS) {
      loop.unsaved = { recordedAt: last.recordedAt, seen: (loop.unsaved?.seen ?? 0) + batch.length };
      loop.checkpoint = last.position;
      loop.flushTimer ??= setTimeout(() => void this.flush(loop), FLUSH_MS);
      this.progress.emit('progress');
      return true;
    }
    const applied = await this.save(loop, relevant, last.position, last.recordedAt, batch.length);
    this.progress.emit('progress');
    return applied;
  }

  /** Saves deferred positions of a loop that went idle. */
  private async flush(loop: Loop): Promise<void> {
    loop.flushTimer = null;
    const run = loop.queue.then(async () => {
      if (!loop.unsaved || !loop.running) return;
      await this.save(loop, [], loop.checkpoint, loop.unsaved.recordedAt, 0);
    });
    loop.queue = run.catch((error: unknown) => this.log(`projection ${loop.projection.name}: checkpoint flush failed: ${String(error)}`));
    await loop.queue;
  }

  /**
   * The stored checkpoint is the source of truth: rows and checkpoint are written only if the row
   * still holds what this loop saved last (locked for the transaction), so a rebuild by another
   * process is noticed instead of overwritten. False when it was moved: the loop re-subscribes.
   */
  private async save(
    loop: Loop,
    relevant: readonly RecordedEvent[],
    position: Position,
    recordedAt: string,
    seen: number,
  ): Promise<boolean> {
    const { projection } = loop;
    const deferred = loop.unsaved?.seen ?? 0;
    const applied = await this.inTransaction(async (db) => {
      const stored = await lockCheckpoint(db, projection.name);
      if (!stored || comparePositions(stored, loop.saved) !== 0) {
        loop.checkpoint = loop.saved = stored ?? START;
        loop.unsaved = null;
        return false;
      }
      if (relevant.length > 0) await projection.apply(db, relevant);
      await saveCheckpoint(db, projection.name, projection.version, position, recordedAt, seen + deferred);
      return true;
    });
    if (applied) {
      loop.checkpoint = loop.saved = position;
      loop.unsaved = null;
      loop.lastSaveAt = Date.now();
    }
    return applied;
  }

  private async inTransaction<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
    const db = await this.pool.connect();
    try {
      await db.query('BEGIN');
      const result = await work(db);
      await db.query('COMMIT');
      return result;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      db.release();
    }
  }

  /** Rebuilds one projection from the start of `$all`, wherever its loop runs (see rebuildProjection). */
  async rebuild(name: string): Promise<void> {
    const loop = this.loops.get(name);
    if (!loop) throw new Error(`Unknown projection "${name}"`);
    await rebuildProjection(this.pool, loop.projection);
  }

  /**
   * Read-your-writes: resolves true once every named projection (all by default) has passed
   * `position`, false after `timeoutMs`. Checkpoints of projections run by another replica are
   * read from the database.
   */
  async waitFor(position: Position, names?: readonly string[], timeoutMs = 5000): Promise<boolean> {
    const targets = names ?? [...this.loops.keys()];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.allPassed(targets, position)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.progress.off('progress', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 50));
        this.progress.on('progress', done);
      });
    }
  }

  private async allPassed(names: readonly string[], position: Position): Promise<boolean> {
    await this.ensureSchema();
    for (const name of names) {
      const loop = this.loops.get(name);
      const checkpoint = loop && live(loop) ? loop.checkpoint : (await readCheckpoint(this.pool, name))?.position;
      if (!checkpoint || comparePositions(checkpoint, position) < 0) return false;
    }
    return true;
  }

  /** Resolves once every projection has reached the store's current head. */
  async catchUp(timeoutMs = 60_000): Promise<boolean> {
    const head = await this.store.head();
    return head ? this.waitFor(head.position, undefined, timeoutMs) : true;
  }

  async status(): Promise<ProjectionStatus[]> {
    await this.ensureSchema();
    const head = await this.store.head();
    const checkpoints = new Map((await readCheckpoints(this.pool)).map((checkpoint) => [checkpoint.name, checkpoint]));
    // A projection that never applied an event is behind since the store's first one: read once, if needed.
    let first: Promise<string | null> | null = null;
    const firstEventAt = (): Promise<string | null> =>
      (first ??= this.store.readAll({ maxCount: 1 }).then((events) => events[0]?.recordedAt ?? null));
    const statuses: ProjectionStatus[] = [];
    for (const loop of this.loops.values()) {
      const stored = checkpoints.get(loop.projection.name);
      const checkpoint = live(loop) ? loop.checkpoint : (stored?.position ?? START);
      const caughtUp = !head || comparePositions(checkpoint, head.position) >= 0;
      const lastEventAt = stored?.lastEventAt ?? null;
      const behindSince = lastEventAt ?? (caughtUp ? null : await firstEventAt());
      const lagSeconds = caughtUp || !head || !behindSince ? 0 : (Date.parse(head.recordedAt) - Date.parse(behindSince)) / 1000;
      statuses.push({
        name: loop.projection.name,
        running: loop.running,
        checkpoint,
        lastEventAt,
        eventsSeen: stored?.eventsSeen ?? 0n,
        caughtUp,
        lagSeconds: Math.max(0, lagSeconds),
        lastError: loop.lastError,
      });
    }
    return statuses;
  }

  private schemaReady: Promise<unknown> | null = null;
  private ensureSchema(): Promise<unknown> {
    this.schemaReady ??= this.pool.query(CHECKPOINTS_DDL).catch((error: unknown) => {
      this.schemaReady = null;
      throw error;
    });
    return this.schemaReady;
  }

  private log(message: string): void {
    (this.options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(message);
  }
}

/**
 * Rebuild = drop the projection's tables, recreate them and reset its checkpoint, in one transaction
 * that holds the checkpoint row. The loop running it, in this process or another, sees the reset at
 * its next batch and replays from the start. Works whether or not the app is running.
 */
export const rebuildProjection = async (pool: Pool, projection: Projection): Promise<void> => {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    await db.query(CHECKPOINTS_DDL);
    await lockCheckpoint(db, projection.name);
    await dropTables(db, projection);
    await projection.setup(db);
    await resetCheckpoint(db, projection.name, projection.version);
    await db.query('SELECT pg_notify($1, $2)', [RESET_CHANNEL, projection.name]);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
};
