import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { classifyFailure, coalesceKey, type CopyOp, type SendFailure } from '../components/copy/copy-ops.js';

/**
 * Every change of a copy goes through here, in order, at once. A change waits in a per-copy queue
 * (kept in localStorage, so a reload or a crash loses nothing) until the server has it; a network
 * drop only delays it; a change the server refuses stops the queue and says so, instead of retrying
 * forever. Sending twice is harmless (see CopyOp), which is what makes a retry after an unknown
 * outcome safe.
 */
export type SendOp = (copyId: string, op: CopyOp) => Promise<unknown>;
export type QueuedOp = Readonly<{ opId: string; op: CopyOp; queuedAt: string }>;
export type OpHooks = Readonly<{ rollback?: () => void; acknowledged?: () => void }>;
export type SaveState = Readonly<
  | { status: 'saved'; pending: 0 }
  | { status: 'saving'; pending: number }
  | { status: 'offline'; pending: number; nextRetryAt: number | null }
  | { status: 'error'; pending: number; code: string; message: string }
>;

export type SaveQueueDeps = Readonly<{
  send: SendOp;
  /**
   * The signed-in user's id: stored changes are theirs only. On a shared staff-room computer, another
   * corrector (or an admin) opening the same copy must never send them under their own name.
   */
  owner: string;
  storage?: Storage | null;
  classify?: (error: unknown, op: CopyOp) => SendFailure;
  /** Delay before the n-th retry (1-based), in ms. */
  backoff?: (attempt: number) => number;
}>;

type CopyQueue = {
  entries: QueuedOp[];
  inFlight: string | null;
  attempt: number;
  nextRetryAt: number | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  error: { code: string; message: string } | null;
};

export const STORAGE_PREFIX = 'korrigo.save-queue.';
/** 1 s, 2 s, 4 s … up to 30 s, each ±20 % so that a whole staff room does not retry in step after an outage. */
export const defaultBackoff = (attempt: number, random = Math.random): number =>
  Math.round(Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.8 + 0.4 * random()));

export const useSaveQueueStore = defineStore('save-queue', () => {
  const queues = reactive<Record<string, CopyQueue>>({});
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const hooks = new Map<string, OpHooks>();
  let deps: Required<SaveQueueDeps> | null = null;

  /** The copy's queue, read back through the reactive record so that every change is seen by the screen. */
  const queueOf = (copyId: string): CopyQueue => {
    if (!queues[copyId]) queues[copyId] = { entries: [], inFlight: null, attempt: 0, nextRetryAt: null, timer: undefined, error: null };
    return queues[copyId]!;
  };

  const keyOf = (copyId: string): string => `${STORAGE_PREFIX}${deps?.owner ?? ''}.${copyId}`;

  const persist = (copyId: string): void => {
    const storage = deps?.storage;
    if (!storage) return;
    const entries = queueOf(copyId).entries;
    try {
      if (entries.length === 0) storage.removeItem(keyOf(copyId));
      else storage.setItem(keyOf(copyId), JSON.stringify({ version: 1, entries }));
    } catch {
      // A full or disabled storage: the queue still holds the ops in memory and keeps sending them.
    }
  };

  const settle = (copyId: string, entry: QueuedOp, rollback: boolean): void => {
    const queue = queueOf(copyId);
    queue.entries = queue.entries.filter((other) => other.opId !== entry.opId);
    persist(copyId);
    const opHooks = hooks.get(entry.opId);
    hooks.delete(entry.opId);
    if (rollback) opHooks?.rollback?.();
    else opHooks?.acknowledged?.();
  };

  const flush = async (copyId: string): Promise<void> => {
    const queue = queueOf(copyId);
    if (!deps || queue.inFlight !== null || queue.error !== null || !online.value) return;
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.nextRetryAt = null;
    for (let entry = queue.entries[0]; entry !== undefined; entry = queue.entries[0]) {
      queue.inFlight = entry.opId;
      let failure: SendFailure | null = null;
      try {
        await deps.send(copyId, entry.op);
      } catch (error) {
        failure = deps.classify(error, entry.op);
      } finally {
        queue.inFlight = null;
      }
      if (!queue.entries.some((other) => other.opId === entry!.opId)) continue; // discarded meanwhile
      if (failure === null || failure.kind === 'done') {
        queue.attempt = 0;
        settle(copyId, entry, false);
        continue;
      }
      if (failure.kind === 'transient') {
        queue.attempt += 1;
        if (!online.value) return; // the 'online' event resumes
        const delay = deps.backoff(queue.attempt);
        queue.nextRetryAt = Date.now() + delay;
        queue.timer = setTimeout(() => void flush(copyId), delay);
        return;
      }
      queue.error = { code: failure.code, message: failure.message };
      if (failure.kind === 'refused') settle(copyId, entry, true);
      return;
    }
  };

  /** Queues a change and starts sending it; `hooks.rollback` runs if the server refuses it for good. */
  const enqueue = (copyId: string, op: CopyOp, opHooks: OpHooks = {}): string => {
    const queue = queueOf(copyId);
    const entry: QueuedOp = { opId: crypto.randomUUID(), op, queuedAt: new Date().toISOString() };
    const key = coalesceKey(op);
    const waiting =
      key === undefined ? -1 : queue.entries.findIndex((other) => other.opId !== queue.inFlight && coalesceKey(other.op) === key);
    if (waiting >= 0) {
      // Undoing the merged op undoes both, newest first, back to the value from before them.
      const replaced = queue.entries[waiting]!;
      queue.entries.splice(waiting, 1, { ...replaced, op });
      const earlier = hooks.get(replaced.opId) ?? {};
      hooks.set(replaced.opId, {
        rollback: () => {
          opHooks.rollback?.();
          earlier.rollback?.();
        },
        acknowledged: () => {
          earlier.acknowledged?.();
          opHooks.acknowledged?.();
        },
      });
      persist(copyId);
      return replaced.opId;
    }
    queue.entries.push(entry);
    hooks.set(entry.opId, opHooks);
    persist(copyId);
    void flush(copyId);
    return entry.opId;
  };

  /** Takes back what a previous page left unsent for this copy, and sends it. Returns those ops. */
  const attach = (copyId: string): readonly QueuedOp[] => {
    const queue = queueOf(copyId);
    const known = new Set(queue.entries.map((entry) => entry.opId));
    const restored = readStored(deps?.storage ?? null, keyOf(copyId)).filter((entry) => !known.has(entry.opId));
    queue.entries.push(...restored);
    void flush(copyId);
    return restored;
  };

  /** Sets the hooks of an op restored after a reload, once the workspace has applied it again. */
  const watchOp = (opId: string, opHooks: OpHooks): void => {
    hooks.set(opId, opHooks);
  };

  /** Goes on after a stop (the lock retaken, the session renewed), or retries now instead of waiting. */
  const retry = (copyId: string): Promise<void> => {
    const queue = queueOf(copyId);
    queue.error = null;
    queue.attempt = 0;
    return flush(copyId);
  };

  /** Gives up every waiting change of the copy, undoing each on screen, newest first. */
  const discard = (copyId: string): void => {
    const queue = queueOf(copyId);
    const dropped = queue.entries.filter((entry) => entry.opId !== queue.inFlight).reverse();
    for (const entry of dropped) settle(copyId, entry, true);
    queue.error = null;
  };

  const stateOf = (copyId: string): SaveState => {
    const queue = queues[copyId];
    const pending = queue?.entries.length ?? 0;
    if (queue?.error) return { status: 'error', pending, ...queue.error };
    if (!queue || pending === 0) return { status: 'saved', pending: 0 };
    if (!online.value || queue.attempt > 0) return { status: 'offline', pending, nextRetryAt: queue.nextRetryAt };
    return { status: 'saving', pending };
  };

  /** Back online: every copy waiting out a backoff tries again now; a stopped copy stays stopped. */
  const onOnline = (): void => {
    online.value = true;
    for (const [copyId, queue] of Object.entries(queues)) {
      if (queue.error !== null) continue;
      queue.attempt = 0;
      void flush(copyId);
    }
  };
  const onOffline = (): void => {
    online.value = false;
  };

  /** Wires the transport (and, in tests, the storage and the retry delays); call once at start. */
  const configure = (options: SaveQueueDeps): void => {
    if (deps === null && typeof window !== 'undefined') {
      window.addEventListener('online', onOnline);
      window.addEventListener('offline', onOffline);
    }
    deps = {
      send: options.send,
      owner: options.owner,
      storage: options.storage === undefined ? (typeof localStorage === 'undefined' ? null : localStorage) : options.storage,
      classify: options.classify ?? classifyFailure,
      backoff: options.backoff ?? ((attempt) => defaultBackoff(attempt)),
    };
    for (const copyId of Object.keys(queues)) void flush(copyId);
  };

  /** Copies with changes left from an earlier page, to offer to open them. */
  const storedCopyIds = (): string[] => {
    const storage = deps?.storage;
    if (!storage) return [];
    const prefix = keyOf('');
    return Array.from({ length: storage.length }, (_, index) => storage.key(index) ?? '')
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
  };

  /** Stops timers and listeners (sign-out, tests); what waits stays stored for the next page. */
  const dispose = (): void => {
    for (const queue of Object.values(queues)) clearTimeout(queue.timer);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    deps = null;
  };

  const hasPending = computed(() => Object.values(queues).some((queue) => queue.entries.length > 0));
  return { queues, online, configure, dispose, enqueue, attach, watchOp, retry, discard, stateOf, storedCopyIds, hasPending };
});

const readStored = (storage: Storage | null, key: string): QueuedOp[] => {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return [];
    const parsed = JSON.parse(raw) as { version?: number; entries?: QueuedOp[] };
    return parsed.version === 1 && Array.isArray(parsed.entries) ? parsed.entries : [];
  } catch {
    return []; // an unreadable entry from an older portal is dropped rather than blocking the copy
  }
};
