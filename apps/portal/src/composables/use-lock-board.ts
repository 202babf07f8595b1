import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import { client } from '@/graphql/client';
import { CopyLockChangedDocument, ExamsDocument, LockBoardDocument } from '@/graphql/generated';
import { liveStatus, subscribe } from '@/graphql/live';
import type { LockEntry } from '@/components/locks/lease-left';

/**
 * The live lock board: the current locks, read again whenever a lock of any open exam changes
 * (copyLockChanged is per exam, so the board listens to each exam that is not archived). A burst of
 * changes (a dispatch, a heartbeat round) is read once.
 */
const SETTLE_MS = 300;

export const useLockBoard = (examId: () => string | null) => {
  const entries = shallowRef<LockEntry[]>([]);
  const fetchedAt = ref(Date.now());
  const loading = ref(false);
  const loaded = ref(false);
  const error = shallowRef<unknown>(null);
  const liveError = shallowRef<unknown>(null);
  let stops: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refresh = async (): Promise<void> => {
    loading.value = true;
    try {
      const { lockBoard } = await client.request(LockBoardDocument, { examId: examId() });
      entries.value = [...lockBoard].sort((a, b) => a.secondsLeft - b.secondsLeft);
      fetchedAt.value = Date.now();
      error.value = null;
      loaded.value = true;
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  };
  const soon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), SETTLE_MS);
  };

  const listen = async (): Promise<void> => {
    stops.forEach((stop) => stop());
    stops = [];
    const only = examId();
    const ids = only ? [only] : (await client.request(ExamsDocument)).exams.filter((exam) => !exam.archived).map((exam) => exam.examId);
    stops = ids.map((id) =>
      subscribe(CopyLockChangedDocument, { examId: id }, { next: soon, error: (caught) => (liveError.value = caught) }),
    );
  };

  watch(examId, () => void Promise.all([refresh(), listen().catch((caught) => (liveError.value = caught))]), { immediate: true });
  // After a reconnection, changes made while the socket was down are read at once.
  watch(
    () => liveStatus.value,
    (status, previous) => {
      if (status === 'connected' && previous === 'reconnecting') void refresh();
    },
  );
  onScopeDispose(() => {
    clearTimeout(timer);
    stops.forEach((stop) => stop());
  });

  return { entries, fetchedAt, loading, loaded, error, liveError, liveStatus, refresh };
};
