import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { COPY_LOCK_CHANNEL, type CopyLockNotice, parseLockNotice } from '#projections';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';

const RECONNECT_MS = 2_000;

/**
 * Hears the copies projection's lock notices (PostgreSQL NOTIFY, so every replica hears every
 * change) and hands them to this process's subscribers. A lost connection is reopened; notices
 * sent meanwhile are lost, which a portal covers by refetching its copy when it reconnects.
 */
@Injectable()
export class CopyLockFeed implements OnModuleInit, OnModuleDestroy {
  private readonly notices = new EventEmitter();
  private client: PoolClient | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly released = new WeakSet<PoolClient>();

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.notices.setMaxListeners(0);
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  onModuleDestroy(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.client) this.drop(this.client); // closed: no new connection follows
  }

  /** The changes that pass `filter`, as they come, until the consumer stops iterating. */
  changes(filter: (notice: CopyLockNotice) => boolean): AsyncIterableIterator<CopyLockNotice> {
    const queued: CopyLockNotice[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener = (notice: CopyLockNotice): void => {
      if (!filter(notice)) return;
      queued.push(notice);
      wake?.();
    };
    this.notices.on('notice', listener);
    const finish = (): Promise<IteratorResult<CopyLockNotice>> => {
      done = true;
      this.notices.off('notice', listener);
      wake?.();
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<CopyLockNotice>> {
        while (queued.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        return done ? { value: undefined, done: true } : { value: queued.shift()!, done: false };
      },
      return: finish,
      throw: finish,
    };
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    let client: PoolClient | null = null;
    try {
      client = await this.runtime.pool.connect();
      const connected = client;
      connected.on('notification', (message) => {
        const notice = message.channel === COPY_LOCK_CHANNEL && message.payload ? parseLockNotice(message.payload) : null;
        if (notice) this.notices.emit('notice', notice);
      });
      connected.on('error', () => this.drop(connected));
      await connected.query(`LISTEN ${COPY_LOCK_CHANNEL}`);
      this.client = connected;
    } catch {
      this.drop(client);
    }
  }

  /** Ends a lost (or, on shutdown, the current) LISTEN connection and, unless closing, opens another shortly. */
  private drop(lost: PoolClient | null): void {
    if (lost && !this.released.has(lost)) {
      this.released.add(lost);
      if (this.client === lost) this.client = null;
      lost.removeAllListeners('error');
      lost.removeAllListeners('notification');
      lost.on('error', () => undefined);
      lost.release(true);
    }
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.listen();
    }, RECONNECT_MS);
    this.retry.unref();
  }
}
