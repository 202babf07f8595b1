import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import { client } from '@/graphql/client';
import { ClearIdentificationDocument, IdentifyCopyDocument } from '@/graphql/generated';
import { liveStatus } from '@/graphql/live';
import { type DeskCopy, loadDeskCopies, onDeskChanged } from './desk-api';

const SETTLE_MS = 400;
const UNDO_REASON = 'Annulée au bureau d’identification';
const REPLACE_REASON = 'Corrigée au bureau d’identification';

/** One identification done at this desk, to undo it: the copy's student before and after. */
interface DeskStep {
  readonly copyId: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface DeskCounters {
  readonly auto: number;
  readonly manual: number;
  readonly left: number;
  readonly total: number;
}

/**
 * The identification desk's state (DESIGN §7, §8): every copy of the exam in scan order, the one
 * on screen, and what the admin did here (for undo). Identifying moves on to the next copy left;
 * the copy's new student is shown at once from the mutation's answer, and the list is read again
 * behind it (candidates taken elsewhere change). A read begun before an identification is dropped,
 * so the screen never steps back to an older state.
 */
export const useIdentificationDesk = (examId: () => string) => {
  const copies = shallowRef<DeskCopy[]>([]);
  const currentId = ref<string | null>(null);
  const loaded = ref(false);
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  const busy = ref(false);
  const actionError = shallowRef<unknown>(null);
  const history = ref<DeskStep[]>([]);
  let writes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const current = computed(() => copies.value.find((copy) => copy.copyId === currentId.value) ?? null);
  const counters = computed<DeskCounters>(() => {
    const all = copies.value;
    const auto = all.filter((copy) => copy.student && copy.identificationMethod === 'auto').length;
    const left = all.filter((copy) => !copy.student).length;
    return { auto, manual: all.length - auto - left, left, total: all.length };
  });

  /** The next copy without a student after `fromId` in scan order (wrapping), or null when none is left. */
  const nextLeft = (fromId: string | null): string | null => {
    const all = copies.value;
    const start = all.findIndex((copy) => copy.copyId === fromId);
    for (let step = 1; step <= all.length; step++) {
      const copy = all[(start + step + all.length) % all.length]!;
      if (!copy.student && copy.copyId !== fromId) return copy.copyId;
    }
    return null;
  };

  const refresh = async (): Promise<void> => {
    const startedAt = writes;
    loading.value = true;
    try {
      const { copies: all } = await loadDeskCopies(examId(), 'ALL');
      if (startedAt !== writes) return;
      copies.value = all;
      if (!all.some((copy) => copy.copyId === currentId.value)) currentId.value = nextLeft(null) ?? all[0]?.copyId ?? null;
      loaded.value = true;
      error.value = null;
    } catch (caught) {
      if (startedAt === writes) error.value = caught;
    } finally {
      loading.value = false;
    }
  };
  const refreshSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), SETTLE_MS);
  };

  const patch = (copyId: string, student: DeskCopy['student'], method: string | null): void => {
    copies.value = copies.value.map((copy) =>
      copy.copyId === copyId ? { ...copy, student, identificationMethod: method, status: student ? 'IDENTIFIED' : 'IMPORTED' } : copy,
    );
  };
  const identifyAs = async (copyId: string, studentId: string): Promise<void> => {
    const { identifyCopy } = await client.request(IdentifyCopyDocument, { copyId, studentId });
    patch(copyId, identifyCopy.student ?? null, identifyCopy.identificationMethod ?? 'manual');
  };
  const clear = async (copyId: string, reason: string): Promise<void> => {
    await client.request(ClearIdentificationDocument, { copyId, reason });
    patch(copyId, null, null);
  };

  /** One write at a time; afterwards the list is read again. Resolves whether it went through. */
  const write = async (work: () => Promise<void>): Promise<boolean> => {
    if (busy.value) return false;
    busy.value = true;
    actionError.value = null;
    writes += 1;
    try {
      await work();
      return true;
    } catch (caught) {
      actionError.value = caught;
      return false;
    } finally {
      writes += 1;
      busy.value = false;
      refreshSoon();
    }
  };

  /** Identifies the copy on screen (replacing a wrong identification) and moves on to the next copy left. */
  const identify = (studentId: string): Promise<boolean> => {
    const copy = current.value;
    if (!copy) return Promise.resolve(false);
    const before = copy.student?.studentId ?? null;
    return write(async () => {
      if (before !== studentId) {
        if (before) await clear(copy.copyId, REPLACE_REASON);
        try {
          await identifyAs(copy.copyId, studentId);
        } catch (caught) {
          // The replacement was refused (the student is taken meanwhile): the copy keeps its student.
          if (before) await identifyAs(copy.copyId, before).catch(() => undefined);
          throw caught;
        }
        history.value = [...history.value, { copyId: copy.copyId, before, after: studentId }];
      }
      currentId.value = nextLeft(copy.copyId) ?? copy.copyId;
    });
  };

  /** Lifts the identification of the copy on screen (it stays on screen, to be identified again). */
  const unidentify = (): Promise<boolean> => {
    const copy = current.value;
    if (!copy?.student) return Promise.resolve(false);
    const before = copy.student.studentId;
    return write(async () => {
      await clear(copy.copyId, UNDO_REASON);
      history.value = [...history.value, { copyId: copy.copyId, before, after: null }];
    });
  };

  /** Undoes the last identification made here and shows that copy again. */
  const undo = (): Promise<boolean> => {
    const last = history.value[history.value.length - 1];
    if (!last) return Promise.resolve(false);
    return write(async () => {
      if (last.after) await clear(last.copyId, UNDO_REASON);
      if (last.before) await identifyAs(last.copyId, last.before);
      history.value = history.value.slice(0, -1);
      currentId.value = last.copyId;
    });
  };

  const skip = (): void => {
    currentId.value = nextLeft(currentId.value) ?? currentId.value;
  };
  const go = (delta: 1 | -1): void => {
    const all = copies.value;
    const at = all.findIndex((copy) => copy.copyId === currentId.value);
    const next = all[(at + delta + all.length) % all.length];
    if (next) currentId.value = next.copyId;
  };
  const select = (copyId: string): void => {
    if (copies.value.some((copy) => copy.copyId === copyId)) currentId.value = copyId;
  };

  let stop: (() => void) | null = null;
  const listen = (): void => {
    stop?.();
    stop = onDeskChanged(examId(), () => {
      if (!busy.value) refreshSoon();
    });
  };

  watch(
    examId,
    () => {
      history.value = [];
      currentId.value = null;
      void refresh();
      listen();
    },
    { immediate: true },
  );
  watch(
    () => liveStatus.value,
    (status, previous) => {
      if (status === 'connected' && previous === 'reconnecting') void refresh();
    },
  );
  onScopeDispose(() => {
    clearTimeout(timer);
    stop?.();
  });

  return {
    copies,
    current,
    currentId,
    counters,
    loaded,
    loading,
    error,
    busy,
    actionError,
    canUndo: computed(() => history.value.length > 0),
    refresh,
    identify,
    unidentify,
    undo,
    skip,
    go,
    select,
  };
};
