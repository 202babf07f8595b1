import type { Runtime } from '../../apps/api/src/runtime/runtime.js';

/**
 * What the ops commands need from a runtime: the event store, the read models' pool and the blob
 * store. The CLI passes what `openRuntime` opened; tests and benchmarks build one around their own pool.
 */
export type OpsRuntime = Pick<Runtime, 'store' | 'pool' | 'blobs'>;

/** Exit codes of `npm run ops`: 0 ok, 1 failure (including a verification that found differences), 2 usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure the operator can act on: its message is the whole story (no stack trace printed). */
export class OpsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpsError';
  }
}

/** The command line was wrong: exit 2 with the usage. */
export class UsageError extends OpsError {
  override readonly name = 'UsageError';
}

/** The archive failed its checks; nothing was written to the target. */
export class ArchiveCorruptError extends OpsError {
  override readonly name = 'ArchiveCorruptError';
}

/** The target is not empty (or cannot be emptied); nothing was written. */
export class RestoreRefusedError extends OpsError {
  override readonly name = 'RestoreRefusedError';
}

/** Thrown between pages when the operator pressed Ctrl-C, so that `finally` blocks clean up. */
export const throwIfAborted = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new OpsError('interrupted');
};
