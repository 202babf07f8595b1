import { onScopeDispose, watch } from 'vue';

/** How often a page asks again while a corrected PDF is being built (a build takes a few seconds). */
export const PENDING_REFRESH_MS = 3_000;

/**
 * Refreshes a query every PENDING_REFRESH_MS while `pending()` says a PDF is being built, and stops
 * as soon as it is ready or the component goes away: the button appears without a reload.
 */
export const usePendingRefresh = (pending: () => boolean, refresh: () => Promise<void>, intervalMs = PENDING_REFRESH_MS): void => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const schedule = () => {
    timer = setTimeout(() => {
      timer = null;
      void refresh().finally(() => {
        if (pending() && !disposed && !timer) schedule();
      });
    }, intervalMs);
  };
  watch(
    pending,
    (now) => {
      if (!now) stop();
      else if (!timer) schedule();
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    disposed = true;
    stop();
  });
};
