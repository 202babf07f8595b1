import { computed, getCurrentScope, onScopeDispose, ref } from 'vue';
import { errorCode } from '../components/copy/copy-ops.js';

/**
 * The workspace's side of the copy lock (DESIGN §4): a lease the server ends unless renewed. The
 * countdown runs on the server's clock (a school PC is often minutes off), the heartbeat renews
 * before the end, and a force-release or a lost lease turns the workspace read-only at once.
 */
export type LockLease = Readonly<{ holderId: string; holderName?: string; until: string; secondsLeft?: number }>;
export type LockStatus = 'held' | 'acquiring' | 'expired' | 'released' | 'lost' | 'taken' | 'free';
/** A copyLockChanged event of the subscription, as the schema sends it. */
export type LockChange = Readonly<{
  change: 'LOCKED' | 'RENEWED' | 'UNLOCKED' | 'EXPIRED' | 'FORCE_RELEASED';
  holderId: string;
  leaseUntil?: string | null;
  reason?: string | null;
}>;

export type CopyLockOptions = Readonly<{
  viewerId: string;
  /** The copy's lock when the workspace opened (null when free). */
  initial: LockLease | null;
  renew: () => Promise<LockLease>;
  acquire: () => Promise<LockLease>;
  /** Whether the corrector is still at work; an idle workspace lets its lease run out. */
  isActive?: () => boolean;
  now?: () => number;
}>;

const MAX_RENEW_AHEAD = 5 * 60_000;
const RETRY_RENEWAL = 15_000;

export const useCopyLock = (options: CopyLockOptions) => {
  const now = options.now ?? (() => Date.now());
  const status = ref<LockStatus>('free');
  const holderName = ref<string | null>(null);
  const reason = ref<string | null>(null);
  const renewing = ref(false);
  const takeBackFailed = ref(false);
  const until = ref<number | null>(null);
  /** Server clock minus client clock, learnt from each lease's `secondsLeft`. */
  const offset = ref(0);
  const clock = ref(now());
  let renewAhead = MAX_RENEW_AHEAD;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  let expiry: ReturnType<typeof setTimeout> | undefined;
  const ticker = setInterval(() => (clock.value = now()), 1000);

  const serverNow = (): number => now() + offset.value;
  const secondsLeft = computed(() =>
    until.value === null ? 0 : Math.max(0, Math.ceil((until.value - clock.value - offset.value) / 1000)),
  );

  const stopTimers = (): void => {
    clearTimeout(heartbeat);
    clearTimeout(expiry);
  };

  const hold = (lease: LockLease, fresh: boolean): void => {
    if (lease.holderId !== options.viewerId) return elsewhere(true, lease.holderName);
    const end = Date.parse(lease.until);
    if (lease.secondsLeft !== undefined) offset.value = end - lease.secondsLeft * 1000 - now();
    // A third of the lease, at most five minutes, is left when the heartbeat renews it.
    if (fresh) renewAhead = Math.min(MAX_RENEW_AHEAD, Math.max(1000, (end - serverNow()) / 3));
    until.value = end;
    clock.value = now();
    status.value = 'held';
    reason.value = null;
    holderName.value = lease.holderName ?? null;
    schedule();
  };

  const schedule = (): void => {
    stopTimers();
    if (until.value === null) return;
    const left = until.value - serverNow();
    heartbeat = setTimeout(() => void renew(), Math.max(0, left - renewAhead));
    expiry = setTimeout(() => end('expired'), Math.max(0, left));
  };

  const renew = async (): Promise<void> => {
    if (status.value !== 'held' || !(options.isActive?.() ?? true)) return;
    renewing.value = true;
    try {
      hold(await options.renew(), false);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'CONFLICT' || code === 'FORBIDDEN' || code === 'NOT_FOUND') end('lost');
      // The network is away: try again shortly while the lease lasts; the expiry timer still stands.
      else if (status.value === 'held') heartbeat = setTimeout(() => void renew(), RETRY_RENEWAL);
    } finally {
      renewing.value = false;
    }
  };

  const end = (next: 'expired' | 'released' | 'lost' | 'free', why: string | null = null): void => {
    stopTimers();
    until.value = null;
    status.value = next;
    reason.value = why;
  };

  /** Someone else holds the copy (taken), or nobody does (free). */
  const elsewhere = (taken: boolean, name?: string | null): void => {
    stopTimers();
    until.value = null;
    status.value = taken ? 'taken' : 'free';
    holderName.value = name ?? null;
  };

  /** An admin took the copy away: read-only at once, with the admin's reason. */
  const forceReleased = (why: string | null): void => end('released', why);

  /** Applies a copyLockChanged event for this copy. */
  const onLockChange = (change: LockChange): void => {
    const mine = change.holderId === options.viewerId;
    switch (change.change) {
      case 'FORCE_RELEASED':
        return mine ? forceReleased(change.reason ?? null) : elsewhere(false);
      case 'EXPIRED':
      case 'UNLOCKED':
        if (!mine) return elsewhere(false);
        return end(change.change === 'EXPIRED' ? 'expired' : 'free');
      case 'LOCKED':
      case 'RENEWED':
        if (!mine) return elsewhere(true);
        if (change.leaseUntil) hold({ holderId: change.holderId, until: change.leaseUntil }, change.change === 'LOCKED');
        return;
    }
  };

  /** "Reprendre la main": takes the lock again (lockCopy); another holder leaves it read-only. */
  const takeBack = async (): Promise<boolean> => {
    const before = status.value;
    status.value = 'acquiring';
    takeBackFailed.value = false;
    try {
      hold(await options.acquire(), true);
      return (status.value as LockStatus) === 'held'; // hold() may have found another holder
    } catch (error) {
      if (errorCode(error) === 'CONFLICT') elsewhere(true);
      else {
        status.value = before;
        takeBackFailed.value = true;
      }
      return false;
    }
  };

  const dispose = (): void => {
    stopTimers();
    clearInterval(ticker);
  };
  if (getCurrentScope()) onScopeDispose(dispose);
  if (options.initial) hold(options.initial, true);

  return {
    status,
    holderName,
    reason,
    renewing,
    takeBackFailed,
    secondsLeft,
    readOnly: computed(() => status.value !== 'held'),
    /** The copy is free to take again (the lease ran out, or an admin or the corrector released it). */
    canTakeBack: computed(() => ['expired', 'released', 'lost', 'free'].includes(status.value)),
    takeBack,
    forceReleased,
    onLockChange,
    dispose,
  };
};

export type CopyLock = ReturnType<typeof useCopyLock>;
