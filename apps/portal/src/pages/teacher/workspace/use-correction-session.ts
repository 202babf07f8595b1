import { effectScope, onBeforeUnmount, ref, shallowRef, watch, watchEffect } from 'vue';
import type { GradingQuestion } from '@/components/copy/copy-domain';
import { useCopyLock, type CopyLock, type LockChange, type LockLease } from '@/composables/use-copy-lock';
import { client } from '@/graphql/client';
import { isApiError } from '@/graphql/errors';
import {
  CopyLockChangedDocument,
  CorrectionCopyDocument,
  LockCopyDocument,
  RenewCopyLockDocument,
  TeacherExamDocument,
  type CorrectionCopyFieldsFragment,
  type TeacherExamQuery,
} from '@/graphql/generated';
import { liveStatus, subscribe } from '@/graphql/live';
import { useCorrectionStore } from '@/stores/correction';
import { useSaveQueueStore } from '@/stores/save-queue';
import { leaseOf, scaleFromApi, sendCopyOp, workspaceCopyFromApi } from './copy-transport';
import { cancelRelease, releaseWhenSaved, unlockIfSaved } from './lock-release';

/**
 * One copy open in the workspace: read it, take its lock when it is free (opening a copy of one's lot
 * means correcting it), keep the lease alive while the corrector works, hear at once when an admin
 * takes it away, and give it back on leaving. The store turns read-only whenever the lock is not held.
 */
const IDLE_MS = 20 * 60_000;
/** Each save queue store is wired once per signed-in corrector (a new one after a sign-in as someone else). */
const configured = new WeakMap<object, string>();

export const useCorrectionSession = (copyId: string, viewerId: string) => {
  const store = useCorrectionStore();
  const queue = useSaveQueueStore();
  if (configured.get(queue) !== viewerId) {
    queue.configure({ send: sendCopyOp(client), owner: viewerId });
    configured.set(queue, viewerId);
  }
  const loading = ref(true);
  const error = shallowRef<unknown>(null);
  const liveError = shallowRef<unknown>(null);
  const exam = shallowRef<TeacherExamQuery['exam'] | null>(null);
  const lock = shallowRef<CopyLock | null>(null);
  const scope = effectScope();
  let scale: GradingQuestion[] = [];
  let latest: CorrectionCopyFieldsFragment | null = null;
  let stopLive: () => void = () => undefined;
  let closed = false;
  let lastActivity = Date.now();

  const readCopy = async () => (await client.request(CorrectionCopyDocument, { copyId })).copy;
  const acquire = async (): Promise<LockLease> => {
    latest = (await client.request(LockCopyDocument, { copyId })).lockCopy;
    return leaseOf(latest.lock);
  };
  const renew = async (): Promise<LockLease> => leaseOf((await client.request(RenewCopyLockDocument, { copyId })).renewCopyLock.lock);

  /** The copy, locked by this corrector when it was free or already theirs. */
  const readAndLock = async (): Promise<{ copy: CorrectionCopyFieldsFragment; lease: LockLease | null }> => {
    const copy = await readCopy();
    const mineToTake = copy.status !== 'FINALISED' && (copy.lock === null || copy.lock.holderId === viewerId);
    if (!mineToTake) return { copy, lease: copy.lock ? leaseOf(copy.lock) : null };
    try {
      const lease = await acquire();
      return { copy: latest!, lease };
    } catch (caught) {
      if (!isApiError(caught, 'CONFLICT') && !isApiError(caught, 'FORBIDDEN')) throw caught;
      const again = await readCopy(); // taken meanwhile: open it read-only, as it is now
      return { copy: again, lease: again.lock ? leaseOf(again.lock) : null };
    }
  };

  const open = async (): Promise<void> => {
    loading.value = true;
    error.value = null;
    cancelRelease(copyId);
    try {
      const { copy, lease } = await readAndLock();
      const answer = await client.request(TeacherExamDocument, { examId: copy.examId });
      if (closed) return void (lease?.holderId === viewerId && releaseWhenSaved(queue, copyId));
      exam.value = answer.exam;
      scale = scaleFromApi(answer.exam.scale);
      store.load(workspaceCopyFromApi(copy, scale));
      lock.value = scope.run(() =>
        useCopyLock({ viewerId, initial: lease, renew, acquire, isActive: () => Date.now() - lastActivity < IDLE_MS }),
      )!;
      listen(copy.examId);
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  };

  const listen = (examId: string): void => {
    stopLive = subscribe(
      CopyLockChangedDocument,
      { examId },
      {
        next: ({ copyLockChanged: change }) => {
          if (change.copyId === copyId) lock.value?.onLockChange(change);
        },
        error: (caught) => (liveError.value = caught),
      },
    );
  };

  /** Lock changes sent while the live socket was down are lost: read the lock again instead. */
  const resync = async (): Promise<void> => {
    const current = lock.value;
    if (!current || closed) return;
    const { lock: now } = await readCopy();
    const change: LockChange | null = !now
      ? current.status.value === 'held'
        ? { change: 'EXPIRED', holderId: viewerId }
        : null
      : now.holderId !== viewerId
        ? { change: 'LOCKED', holderId: now.holderId }
        : { change: 'RENEWED', holderId: viewerId, leaseUntil: now.until };
    if (change) current.onLockChange(change);
  };

  /** "Reprendre la main": the copy as it is now, with the changes that waited sent on top of it. */
  const takeBack = async (): Promise<void> => {
    if (!lock.value || !(await lock.value.takeBack()) || !latest) return;
    store.load(workspaceCopyFromApi(latest, scale));
    await store.resumeSaving();
  };

  /** Back after a long pause: the heartbeat had stopped renewing, so renew now. */
  const onActivity = (): void => {
    const wasIdle = Date.now() - lastActivity > IDLE_MS;
    lastActivity = Date.now();
    const current = lock.value;
    if (!wasIdle || current?.status.value !== 'held') return;
    renew().then(
      (lease) => current.onLockChange({ change: 'RENEWED', holderId: lease.holderId, leaseUntil: lease.until }),
      () => void resync(),
    );
  };
  const onPageHide = (): void => {
    if (lock.value?.status.value === 'held') unlockIfSaved(queue, copyId);
  };
  const onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) void resync().catch(() => undefined);
  };

  scope.run(() => {
    watchEffect(() => (store.lockHeld = lock.value !== null && !lock.value.readOnly.value));
    watch(liveStatus, (status, previous) => {
      if (status === 'connected' && previous === 'reconnecting') void resync().catch(() => undefined);
    });
    // A save refused for the lock means this page missed a lock change: find out which.
    watch(
      () => (store.saveState.status === 'error' ? store.saveState.code : null),
      (code) => {
        if (code === 'FORBIDDEN' || code === 'CONFLICT') void resync().catch(() => undefined);
      },
    );
  });
  for (const name of ['pointerdown', 'keydown'] as const) window.addEventListener(name, onActivity, { passive: true });
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);

  onBeforeUnmount(() => {
    closed = true;
    stopLive();
    for (const name of ['pointerdown', 'keydown'] as const) window.removeEventListener(name, onActivity);
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('pageshow', onPageShow);
    const held = lock.value?.status.value === 'held';
    scope.stop();
    store.lockHeld = false;
    if (held) releaseWhenSaved(queue, copyId);
  });

  void open();
  return { loading, error, liveError, exam, lock, retry: open, takeBack };
};
