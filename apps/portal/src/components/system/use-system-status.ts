import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import { ProjectionLagDocument, type ProjectionStatusFieldsFragment, SystemStatusDocument } from '@/graphql/generated';
import { useQuery } from '@/composables/use-async';
import { liveStatus, subscribe } from '@/graphql/live';

/** How often the whole status is read again (the live projectionLag feed covers the projections between reads). */
export const POLL_SECONDS = 5;

/**
 * systemStatus read now and every few seconds, with the projections replaced by each projectionLag
 * message in between. A failed read keeps the last figures on screen and marks the store unreachable.
 */
export const useSystemStatus = () => {
  const status = useQuery(SystemStatusDocument, () => ({}));
  const live = shallowRef<readonly ProjectionStatusFieldsFragment[] | null>(null);
  const liveError = shallowRef<unknown>(null);
  const updatedAt = ref<Date | null>(null);

  watch(status.data, () => {
    live.value = null; // the fresh read is newer than the last live message
    updatedAt.value = new Date();
  });
  const timer = setInterval(() => void status.refresh(), POLL_SECONDS * 1000);
  const stop = subscribe(
    ProjectionLagDocument,
    {},
    {
      next: (data) => {
        live.value = data.projectionLag;
        liveError.value = null;
        updatedAt.value = new Date();
      },
      error: (caught) => (liveError.value = caught),
    },
  );
  onScopeDispose(() => {
    clearInterval(timer);
    stop();
  });

  const store = computed(() => status.data.value?.systemStatus ?? null);
  const projections = computed(() => live.value ?? store.value?.projections ?? []);
  /** Answered at the last read: the API reads the store's head for every status, so an unreachable store fails it. */
  const reachable = computed(() => status.data.value !== null && !status.error.value);
  return { status, store, projections, reachable, updatedAt, liveError, liveStatus };
};
