import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import { client } from '@/graphql/client';
import {
  ClearFlagDocument,
  MergeCopiesDocument,
  MovePageDocument,
  RecutScanDocument,
  ReorderPagesDocument,
  SplitCopyDocument,
} from '@/graphql/generated';
import { type DeskCopy, loadDeskCopies, onDeskChanged } from '@/components/identification/desk-api';
import type { SplitIntent } from './split-actions';

const SETTLE_MS = 400;

/**
 * The exam's copies with their pages for the split review, and the split corrections. After each
 * correction the whole list is read again (a move or merge changes two copies, a split adds one);
 * changes made elsewhere (the pipeline adding copies, another admin) arrive through the desk's
 * live signal.
 */
export const useSplitReview = (examId: () => string) => {
  const copies = shallowRef<DeskCopy[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  const busy = ref(false);
  const actionError = shallowRef<unknown>(null);
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refresh = async (): Promise<void> => {
    controller?.abort();
    const mine = (controller = new AbortController());
    loading.value = true;
    try {
      const { copies: all } = await loadDeskCopies(examId(), 'ALL', mine.signal);
      if (controller !== mine) return;
      copies.value = all;
      loaded.value = true;
      error.value = null;
    } catch (caught) {
      if (controller === mine && !mine.signal.aborted) error.value = caught;
    } finally {
      if (controller === mine) loading.value = false;
    }
  };

  const send = async (intent: SplitIntent): Promise<void> => {
    switch (intent.kind) {
      case 'move':
        await client.request(MovePageDocument, { pageId: intent.pageId, toCopyId: intent.toCopyId, position: intent.position });
        return;
      case 'reorder':
        await client.request(ReorderPagesDocument, { copyId: intent.copyId, pageIds: [...intent.pageIds] });
        return;
      case 'split':
        await client.request(SplitCopyDocument, { copyId: intent.copyId, atPageId: intent.atPageId });
        return;
      case 'merge':
        await client.request(MergeCopiesDocument, { targetCopyId: intent.targetCopyId, sourceCopyId: intent.sourceCopyId });
        return;
      case 'clearFlag':
        await client.request(ClearFlagDocument, { copyId: intent.copyId, reason: intent.reason });
        return;
      case 'recut':
        await client.request(RecutScanDocument, { scanId: intent.scanId, fromPage: intent.fromPage, pagesPerCopy: intent.pagesPerCopy });
        return;
    }
  };

  /** Resolves true when the correction was recorded (the list is then fresh). */
  const apply = async (intent: SplitIntent): Promise<boolean> => {
    if (busy.value) return false;
    busy.value = true;
    actionError.value = null;
    try {
      await send(intent);
      await refresh();
      return true;
    } catch (caught) {
      actionError.value = caught;
      return false;
    } finally {
      busy.value = false;
    }
  };

  let stop: (() => void) | null = null;
  const listen = (): void => {
    stop?.();
    stop = onDeskChanged(examId(), () => {
      if (busy.value) return;
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), SETTLE_MS);
    });
  };

  watch(
    examId,
    () => {
      void refresh();
      listen();
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    controller?.abort();
    clearTimeout(timer);
    stop?.();
  });

  return { copies, loaded, loading, error, busy, actionError, refresh, apply };
};
