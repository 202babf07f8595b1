import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { Registry } from './registry.js';
import { metrics, processRegistry } from './metrics.js';

/** A figure slower than this is left out of the scrape (and counted): Prometheus must get an answer. */
const COLLECT_TIMEOUT_MS = 2_000;

/** The delay sampler's timer period: what it records includes the period itself, subtracted below. */
const LOOP_RESOLUTION_MS = 10;

const version = ((): string => {
  try {
    return String((JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
})();

const seconds = (iso: string): number => Date.parse(iso) / 1000;

/**
 * Figures read when Prometheus scrapes rather than counted as they happen: projection lag and
 * checkpoints (the runner's own status, as the readiness probe reads it), locks held, the scan queue,
 * the store's head, and the process. Each query is bounded (small tables, or partial indexes); a
 * collector that fails or is slow is skipped and counted, the others still answer.
 */
@Injectable()
export class ScrapeMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly registry = new Registry();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly g = {
    lag: this.registry.gauge(
      'korrigo_projection_lag_seconds',
      'Time between the newest event in the store and the newest one the projection applied.',
      ['projection'],
    ),
    caughtUp: this.registry.gauge('korrigo_projection_caught_up', 'Whether the projection has applied every event (1) or not (0).', [
      'projection',
    ]),
    running: this.registry.gauge('korrigo_projection_running', 'Whether this process runs the projection (another replica may).', [
      'projection',
    ]),
    seen: this.registry.gauge('korrigo_projection_events_seen', 'Events the projection has read since it was last built.', ['projection']),
    lastEvent: this.registry.gauge('korrigo_projection_last_event_timestamp_seconds', 'Time of the newest event the projection applied.', [
      'projection',
    ]),
    checkpointAge: this.registry.gauge(
      'korrigo_projection_checkpoint_age_seconds',
      'Time since the projection last saved its checkpoint.',
      ['projection'],
    ),
    storeUp: this.registry.gauge('korrigo_event_store_up', 'Whether the event store answered this scrape.'),
    head: this.registry.gauge('korrigo_event_store_head_timestamp_seconds', 'Time of the newest event in the store.'),
    locks: this.registry.gauge('korrigo_copy_locks_held', 'Copies locked by a corrector whose lease has not run out.'),
    scansWaiting: this.registry.gauge('korrigo_scans_unfinished', 'Uploaded scans not yet completed, failed or rejected.'),
    rss: this.registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.'),
    heapUsed: this.registry.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.'),
    heapTotal: this.registry.gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved, in bytes.'),
    external: this.registry.gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript (buffers), in bytes.'),
    loopP50: this.registry.gauge('nodejs_eventloop_lag_p50_seconds', 'Median event-loop delay since the previous scrape.'),
    loopP99: this.registry.gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile event-loop delay since the previous scrape.'),
    loopMax: this.registry.gauge('nodejs_eventloop_lag_max_seconds', 'Longest event-loop delay since the previous scrape.'),
    cpuUser: this.registry.counter('process_cpu_user_seconds_total', 'User CPU time spent, in seconds.'),
    cpuSystem: this.registry.counter('process_cpu_system_seconds_total', 'System CPU time spent, in seconds.'),
    start: this.registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.'),
    uptime: this.registry.gauge('korrigo_uptime_seconds', 'Seconds since the process started.'),
    build: this.registry.gauge('korrigo_build_info', 'Korrigo version and Node.js version; always 1.', ['version', 'node']),
  };

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  onModuleInit(): void {
    this.loopDelay.enable();
  }

  onModuleDestroy(): void {
    this.loopDelay.disable();
  }

  /** The whole exposition: the process's counters, then what was read now. */
  async render(): Promise<string> {
    await Promise.all(
      Object.entries({
        projections: () => this.projections(),
        checkpoints: () => this.checkpoints(),
        event_store: () => this.eventStore(),
        locks: () =>
          this.count(this.g.locks, `SELECT count(*)::int AS n FROM copies WHERE lock_holder_id IS NOT NULL AND lock_until > now()`),
        scans: () => this.count(this.g.scansWaiting, `SELECT count(*)::int AS n FROM scans WHERE NOT (completed OR failed OR rejected)`),
        process: () => Promise.resolve(this.process()),
      }).map(([name, collect]) => this.collect(name, collect)),
    );
    return processRegistry.render() + this.registry.render();
  }

  private async collect(name: string, collect: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name}: no answer within ${COLLECT_TIMEOUT_MS} ms`)), COLLECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([collect(), timeout]);
    } catch {
      metrics.collectErrors.inc({ collector: name });
    } finally {
      clearTimeout(timer);
    }
  }

  private async projections(): Promise<void> {
    const statuses = await this.runner.status();
    for (const gauge of [this.g.lag, this.g.caughtUp, this.g.running, this.g.seen, this.g.lastEvent]) gauge.reset();
    for (const status of statuses) {
      const projection = { projection: status.name };
      this.g.lag.set(projection, status.lagSeconds);
      this.g.caughtUp.set(projection, status.caughtUp ? 1 : 0);
      this.g.running.set(projection, status.running ? 1 : 0);
      this.g.seen.set(projection, Number(status.eventsSeen));
      if (status.lastEventAt) this.g.lastEvent.set(projection, seconds(status.lastEventAt));
    }
  }

  /** The runner defers the checkpoint of a batch it had nothing to do with: a stale one means a stuck loop, not an idle store. */
  private async checkpoints(): Promise<void> {
    const { rows } = await this.runtime.pool.query<{ name: string; age: number }>(
      `SELECT name, extract(epoch FROM now() - updated_at)::float8 AS age FROM projection_checkpoints ORDER BY name LIMIT 100`,
    );
    this.g.checkpointAge.reset();
    for (const row of rows) this.g.checkpointAge.set({ projection: row.name }, Math.max(0, row.age));
  }

  private async eventStore(): Promise<void> {
    this.g.head.reset();
    try {
      const head = await this.runtime.store.head();
      this.g.storeUp.set({}, 1);
      if (head) this.g.head.set({}, seconds(head.recordedAt));
    } catch (error) {
      this.g.storeUp.set({}, 0);
      throw error;
    }
  }

  private async count(gauge: typeof this.g.locks, sql: string): Promise<void> {
    gauge.reset();
    const { rows } = await this.runtime.pool.query<{ n: number }>(sql);
    gauge.set({}, rows[0]?.n ?? 0);
  }

  private process(): void {
    const memory = process.memoryUsage();
    this.g.rss.set({}, memory.rss);
    this.g.heapUsed.set({}, memory.heapUsed);
    this.g.heapTotal.set({}, memory.heapTotal);
    this.g.external.set({}, memory.external);
    // Nanoseconds; read and restarted at each scrape, so each figure covers one scrape interval.
    const delay = this.loopDelay;
    const lag = (ns: number): number => (Number.isFinite(ns) && delay.count > 0 ? Math.max(0, ns / 1e9 - LOOP_RESOLUTION_MS / 1000) : 0);
    this.g.loopP50.set({}, lag(delay.percentile(50)));
    this.g.loopP99.set({}, lag(delay.percentile(99)));
    this.g.loopMax.set({}, lag(delay.max));
    delay.reset();
    const cpu = process.cpuUsage();
    this.g.cpuUser.reset();
    this.g.cpuUser.inc({}, cpu.user / 1e6);
    this.g.cpuSystem.reset();
    this.g.cpuSystem.inc({}, cpu.system / 1e6);
    const uptime = process.uptime();
    this.g.start.set({}, Math.round(Date.now() / 1000 - uptime));
    this.g.uptime.set({}, uptime);
    this.g.build.set({ version, node: process.version }, 1);
  }
}
