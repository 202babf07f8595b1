import { client } from '@/graphql/client';
import {
  type DeskCopyFieldsFragment,
  type DeskFilter,
  IdentificationDeskDocument,
  type IdentificationDeskQuery,
  type IdentificationProgressFieldsFragment,
} from '@/graphql/generated';

export type DeskCopy = DeskCopyFieldsFragment;
export type DeskProgress = IdentificationProgressFieldsFragment;

/** The API's largest page: a class fits in one, a whole year group in a few. */
const PAGE_SIZE = 200;

/**
 * Every copy of the exam in scan order (the paper pile's order), with the desk's counters. The
 * desk and the split review both work on the whole exam, so all pages of the answer are read.
 */
export const loadDeskCopies = async (
  examId: string,
  filter: DeskFilter = 'ALL',
  signal?: AbortSignal,
): Promise<{ copies: DeskCopy[]; progress: DeskProgress }> => {
  const copies: DeskCopy[] = [];
  let after: string | null = null;
  for (;;) {
    const answer: IdentificationDeskQuery = await client.request(
      IdentificationDeskDocument,
      { examId, filter, first: PAGE_SIZE, after },
      { signal },
    );
    const page = answer.identificationDesk;
    copies.push(...page.items);
    if (!page.nextCursor) return { copies, progress: page.progress };
    after = page.nextCursor;
  }
};
