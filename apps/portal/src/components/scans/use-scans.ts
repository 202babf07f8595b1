import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import { client } from '@/graphql/client';
import { ScanProgressDocument, ScansDocument } from '@/graphql/generated';
import { liveStatus, subscribe } from '@/graphql/live';
import type { ScanView } from './scan-stages';

/**
 * The scans of an exam, live: read once, then replaced by every scanProgress message (the API sends
 * the whole list at once and whenever a scan moves on). Without the live socket the list is still
 * read after each upload and on demand.
 */
export const useScans = (examId: () => string) => {
  const scans = shallowRef<ScanView[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  const liveError = shallowRef<unknown>(null);
  let stop: (() => void) | null = null;

  const refresh = async (): Promise<void> => {
    loading.value = true;
    try {
      scans.value = (await client.request(ScansDocument, { examId: examId() })).scans;
      loaded.value = true;
      error.value = null;
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  };

  const listen = (): void => {
    stop?.();
    stop = subscribe(
      ScanProgressDocument,
      { examId: examId() },
      {
        next: (data) => {
          scans.value = data.scanProgress;
          loaded.value = true;
          liveError.value = null;
        },
        error: (caught) => (liveError.value = caught),
      },
    );
  };

  /** Puts the server's answer for one scan in place (after a retry, before the next live message). */
  const replace = (scan: ScanView): void => {
    const others = scans.value.filter((item) => item.scanId !== scan.scanId);
    scans.value = [...others, scan].sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt));
  };

  watch(examId, () => void Promise.all([refresh(), listen()]), { immediate: true });
  watch(
    () => liveStatus.value,
    (status, previous) => {
      if (status === 'connected' && previous === 'reconnecting') void refresh();
    },
  );
  onScopeDispose(() => stop?.());

  return { scans, loaded, loading, error, liveError, refresh, replace };
};
