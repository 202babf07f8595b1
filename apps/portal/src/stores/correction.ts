import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { leafQuestions, scorePoints, sumPoints, type Annotation, type GradingQuestion } from '../components/copy/copy-domain.js';
import type { CopyOp } from '../components/copy/copy-ops.js';
import { useSaveQueueStore, type SaveState } from './save-queue.js';

/**
 * The correction workspace of one copy. Every action changes the screen at once (optimistic) and is
 * queued for the server; a change the server refuses for good is undone on screen. The state shown is
 * always the server's copy plus the changes still waiting, in order — after a reload too.
 */
export type WorkspacePage = Readonly<{ pageId: string; url: string; thumbnailUrl?: string; width?: number; height?: number }>;
export type WorkspaceCopy = {
  copyId: string;
  examId: string;
  anonymousCode: string;
  pages: readonly WorkspacePage[];
  annotations: Annotation[];
  scores: Record<string, number>;
  remarks: Record<string, string>;
  appreciation: string;
  scale: readonly GradingQuestion[];
  finalised: { total: number; max: number } | null;
  /** Why an admin reopened it, until it is finalised again. */
  reopened?: { reason: string; at: string; by: string | null } | null;
};

export const useCorrectionStore = defineStore('correction', () => {
  const queue = useSaveQueueStore();
  const copy = ref<WorkspaceCopy | null>(null);
  /** Set by the page from useCopyLock: only the lease holder writes. */
  const lockHeld = ref(false);
  const finalizing = ref(false);

  const readOnly = computed(() => !copy.value || copy.value.finalised !== null || !lockHeld.value || finalizing.value);
  const saveState = computed((): SaveState => (copy.value ? queue.stateOf(copy.value.copyId) : { status: 'saved', pending: 0 }));
  const leaves = computed(() => (copy.value ? leafQuestions([...copy.value.scale]) : []));
  const total = computed(() => sumPoints(leaves.value.map((q) => copy.value?.scores[q.questionId] ?? 0)));
  const max = computed(() => sumPoints((copy.value?.scale ?? []).map((q) => q.maxPoints)));

  /**
   * Shows a copy as the server sent it, with the changes still waiting for it applied on top: those
   * of this page, and those an earlier page left in storage (sent now). Each waiting change gets an
   * undo bound to this state, so a late refusal never touches another copy opened since.
   */
  const load = (view: WorkspaceCopy): void => {
    copy.value = JSON.parse(JSON.stringify(view)) as WorkspaceCopy; // a plain copy, even of a reactive view
    finalizing.value = false;
    queue.attach(view.copyId);
    for (const entry of queue.queues[view.copyId]?.entries ?? []) {
      queue.watchOp(entry.opId, { rollback: apply(copy.value, entry.op), acknowledged: acknowledge(copy.value, entry.op) });
    }
  };

  const isShown = (state: WorkspaceCopy): boolean => copy.value?.copyId === state.copyId;

  /** Applies one change to a state and returns what undoes it, if nothing has changed it since. */
  const apply = (state: WorkspaceCopy, op: CopyOp): (() => void) => {
    const { annotations } = state;
    const indexOf = (annotationId: string): number => annotations.findIndex((a) => a.annotationId === annotationId);
    const same = (a: Annotation | undefined, b: Annotation): boolean => a !== undefined && JSON.stringify(a) === JSON.stringify(b);
    switch (op.type) {
      case 'addAnnotation': {
        if (indexOf(op.annotation.annotationId) < 0) annotations.push(op.annotation);
        return () => {
          const index = indexOf(op.annotation.annotationId);
          if (same(annotations[index], op.annotation)) annotations.splice(index, 1);
        };
      }
      case 'editAnnotation': {
        const before = annotations[indexOf(op.annotation.annotationId)];
        if (!before) return () => {};
        annotations.splice(indexOf(op.annotation.annotationId), 1, op.annotation);
        return () => {
          const index = indexOf(op.annotation.annotationId);
          if (same(annotations[index], op.annotation)) annotations.splice(index, 1, before);
        };
      }
      case 'removeAnnotation': {
        const index = indexOf(op.annotationId);
        const before = annotations[index];
        if (!before) return () => {};
        annotations.splice(index, 1);
        return () => {
          if (indexOf(op.annotationId) < 0) annotations.splice(Math.min(index, annotations.length), 0, before);
        };
      }
      case 'awardScore':
        return setEntry(state.scores, op.questionId, op.points);
      case 'writeRemark':
        return setEntry(state.remarks, op.questionId, op.text);
      case 'writeAppreciation': {
        const before = state.appreciation;
        state.appreciation = op.text;
        return () => {
          if (state.appreciation === op.text) state.appreciation = before;
        };
      }
      case 'finalizeCopy':
        if (isShown(state)) finalizing.value = true;
        return () => {
          if (isShown(state)) finalizing.value = false;
        };
    }
  };

  /** Once the server has finalised the copy, the screen says so with the total it recorded. */
  const acknowledge = (state: WorkspaceCopy, op: CopyOp) => (): void => {
    if (op.type !== 'finalizeCopy') return;
    const scores = leafQuestions([...state.scale]).map((q) => state.scores[q.questionId] ?? 0);
    state.finalised = { total: sumPoints(scores), max: sumPoints(state.scale.map((q) => q.maxPoints)) };
    if (isShown(state)) finalizing.value = false;
  };

  /** Applies and queues a change; false (and nothing done) when the copy is read-only. */
  const change = (op: CopyOp): boolean => {
    const state = copy.value;
    if (readOnly.value || !state) return false;
    queue.enqueue(state.copyId, op, { rollback: apply(state, op), acknowledged: acknowledge(state, op) });
    return true;
  };

  return {
    copy,
    lockHeld,
    finalizing,
    readOnly,
    saveState,
    total,
    max,
    load,
    addAnnotation: (annotation: Annotation) => change({ type: 'addAnnotation', annotation }),
    editAnnotation: (annotation: Annotation) => change({ type: 'editAnnotation', annotation }),
    removeAnnotation: (annotationId: string) => change({ type: 'removeAnnotation', annotationId }),
    /** Rounds to the question's step first, as the server will: the screen shows the score recorded. */
    awardScore: (questionId: string, points: number) => {
      const question = leaves.value.find((q) => q.questionId === questionId);
      return question ? change({ type: 'awardScore', questionId, points: scorePoints(points, question) }) : false;
    },
    writeRemark: (questionId: string, text: string) => change({ type: 'writeRemark', questionId, text }),
    writeAppreciation: (text: string) => change({ type: 'writeAppreciation', text }),
    finalize: () => change({ type: 'finalizeCopy' }),
    /** After the lock is taken back (or the session renewed): sends what waits. */
    resumeSaving: () => (copy.value ? queue.retry(copy.value.copyId) : Promise.resolve()),
    discardPending: () => copy.value && queue.discard(copy.value.copyId),
  };
});

/** Sets a keyed value; the undo puts the old one back only if nothing changed it since. */
const setEntry = <T>(record: Record<string, T>, key: string, value: T): (() => void) => {
  const had = Object.hasOwn(record, key);
  const before = record[key];
  record[key] = value;
  return () => {
    if (record[key] !== value) return;
    if (had) record[key] = before as T;
    else delete record[key];
  };
};
