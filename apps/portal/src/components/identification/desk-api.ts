import { client } from '@/graphql/client';
import { subscribe } from '@/graphql/live';
import {
  type DeskCopyFieldsFragment,
  type DeskFilter,
  IdentificationDeskChangedDocument,
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

/**
 * Calls `changed` each time the exam's copies change (the desk's live signal, shared by the desk and
 * the split review). The first message only says where things stand: the caller has just read the
 * list, so it is not a change. Returns the unsubscribe.
 */
export const onDeskChanged = (examId: string, changed: () => void): (() => void) => {
  let lastChange: string | null | undefined;
  return subscribe(
    IdentificationDeskChangedDocument,
    { examId },
    {
      next: ({ identificationDeskChanged: change }) => {
        if (lastChange !== undefined && change.changedAt !== lastChange) changed();
        lastChange = change.changedAt ?? null;
      },
    },
  );
};
