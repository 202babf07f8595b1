import { effectScope, watch } from 'vue';
import { client } from '@/graphql/client';
import { UnlockCopyDocument } from '@/graphql/generated';
import type { useSaveQueueStore } from '@/stores/save-queue';

/**
 * Giving a copy back when its workspace closes. Unlocking while changes still wait would make the
 * server refuse them, so the release waits until the save queue has sent everything; when it cannot
 * (offline, a refusal), the lock is left to its lease, which the server ends on its own. Best effort
 * by nature: a closed tab sends nothing, and the lease covers that too.
 */
const WAIT_FOR_SAVES_MS = 120_000;
const pending = new Map<string, () => void>();

const unlock = (copyId: string): void => {
  void client.request(UnlockCopyDocument, { copyId }).catch(() => undefined);
};

export const releaseWhenSaved = (queue: ReturnType<typeof useSaveQueueStore>, copyId: string): void => {
  cancelRelease(copyId);
  if (queue.stateOf(copyId).status === 'saved') return unlock(copyId);
  const scope = effectScope(true);
  const stop = (): void => {
    clearTimeout(timer);
    scope.stop();
    pending.delete(copyId);
  };
  const timer = setTimeout(stop, WAIT_FOR_SAVES_MS);
  pending.set(copyId, stop);
  scope.run(() =>
    watch(
      () => queue.stateOf(copyId).status,
      (status) => {
        if (status === 'saved') unlock(copyId);
        if (status === 'saved' || status === 'error') stop();
      },
    ),
  );
};

/** The copy is opened again before its release went out: the new workspace keeps the lock. */
export const cancelRelease = (copyId: string): void => pending.get(copyId)?.();

/** On a tab being hidden for good: only when nothing waits, else the next page sends it under the lock. */
export const unlockIfSaved = (queue: ReturnType<typeof useSaveQueueStore>, copyId: string): void => {
  if (queue.stateOf(copyId).status === 'saved') unlock(copyId);
};
