import { ref, shallowRef } from 'vue';
import { client } from '@/graphql/client';
import { CopyScoresDocument } from '@/graphql/generated';

/**
 * The scores of many copies, for per-question averages. The schema has no aggregate for the exam
 * office, so each copy is read (adminCopy), a few at a time to stay gentle with the server.
 */
const CONCURRENCY = 4;

export const useCopyScores = () => {
  const scores = shallowRef<{ questionId: string; points: number }[][]>([]);
  const done = ref(0);
  const total = ref(0);
  const error = shallowRef<unknown>(null);
  let run = 0;

  const load = async (copyIds: readonly string[]): Promise<void> => {
    const mine = ++run;
    done.value = 0;
    total.value = copyIds.length;
    error.value = null;
    const collected: { questionId: string; points: number }[][] = [];
    const queue = [...copyIds];
    const worker = async (): Promise<void> => {
      for (let copyId = queue.shift(); copyId !== undefined && mine === run; copyId = queue.shift()) {
        const { adminCopy } = await client.request(CopyScoresDocument, { copyId });
        collected.push(adminCopy.scores);
        done.value += 1;
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
      if (mine === run) scores.value = collected;
    } catch (caught) {
      if (mine === run) error.value = caught;
    }
  };

  return { scores, done, total, error, load };
};
