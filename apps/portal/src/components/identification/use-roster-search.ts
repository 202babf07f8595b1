import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import { client } from '@/graphql/client';
import { type DeskCandidateFieldsFragment, RosterSearchDocument } from '@/graphql/generated';

export type RosterMatch = DeskCandidateFieldsFragment;

const WAIT_MS = 150;
const RESULTS = 8;

/**
 * The type-ahead over the exam's classes: asked after a short pause in typing, an answer overtaken
 * by newer text is dropped, and an empty text clears the list at once.
 */
export const useRosterSearch = (examId: () => string) => {
  const text = ref('');
  const results = shallowRef<RosterMatch[]>([]);
  const searching = ref(false);
  const error = shallowRef<unknown>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | null = null;

  const search = async (query: string): Promise<void> => {
    controller?.abort();
    const mine = (controller = new AbortController());
    searching.value = true;
    try {
      const { rosterSearch } = await client.request(
        RosterSearchDocument,
        { examId: examId(), text: query, first: RESULTS },
        { signal: mine.signal },
      );
      if (controller !== mine) return;
      results.value = rosterSearch;
      error.value = null;
    } catch (caught) {
      if (controller === mine && !mine.signal.aborted) error.value = caught;
    } finally {
      if (controller === mine) searching.value = false;
    }
  };

  watch(text, (value) => {
    clearTimeout(timer);
    const query = value.trim();
    if (!query) {
      controller?.abort();
      results.value = [];
      searching.value = false;
      return;
    }
    timer = setTimeout(() => void search(query), WAIT_MS);
  });
  onScopeDispose(() => {
    clearTimeout(timer);
    controller?.abort();
  });

  return { text, results, searching, error, clear: () => (text.value = '') };
};
