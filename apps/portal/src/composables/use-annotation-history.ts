import { computed, shallowRef } from 'vue';
import type { Annotation } from '../components/copy/copy-domain.js';

/**
 * Undo and redo as commands, never as snapshots: undoing an add is a removal sent to the server like
 * any other, so the saved copy always matches the screen. A removed annotation comes back with its
 * own id, which the server accepts once the removal is recorded.
 */
export type AnnotationCommand =
  | Readonly<{ type: 'add'; annotation: Annotation }>
  | Readonly<{ type: 'remove'; annotation: Annotation }>
  | Readonly<{ type: 'edit'; before: Annotation; after: Annotation }>
  | Readonly<{ type: 'batch'; commands: readonly AnnotationCommand[] }>;

export const inverseCommand = (command: AnnotationCommand): AnnotationCommand => {
  switch (command.type) {
    case 'add':
      return { type: 'remove', annotation: command.annotation };
    case 'remove':
      return { type: 'add', annotation: command.annotation };
    case 'edit':
      return { type: 'edit', before: command.after, after: command.before };
    case 'batch':
      return { type: 'batch', commands: [...command.commands].reverse().map(inverseCommand) };
  }
};

/** A long session keeps the last few hundred steps; older ones are saved anyway, only no longer undoable. */
const DEFAULT_LIMIT = 300;

export const useAnnotationHistory = (limit = DEFAULT_LIMIT) => {
  const done = shallowRef<readonly AnnotationCommand[]>([]);
  const undone = shallowRef<readonly AnnotationCommand[]>([]);

  /** Records what was just done; a new action forgets the steps that were undone. */
  const record = (command: AnnotationCommand): void => {
    done.value = [...done.value, command].slice(-limit);
    undone.value = [];
  };

  /** The command that undoes the last step (the caller performs it), or undefined when there is none. */
  const takeUndo = (): AnnotationCommand | undefined => {
    const last = done.value.at(-1);
    if (!last) return undefined;
    done.value = done.value.slice(0, -1);
    undone.value = [...undone.value, last];
    return inverseCommand(last);
  };

  /** The command that redoes the last undone step, or undefined. */
  const takeRedo = (): AnnotationCommand | undefined => {
    const last = undone.value.at(-1);
    if (!last) return undefined;
    undone.value = undone.value.slice(0, -1);
    done.value = [...done.value, last];
    return last;
  };

  const clear = (): void => {
    done.value = [];
    undone.value = [];
  };

  return {
    record,
    takeUndo,
    takeRedo,
    clear,
    canUndo: computed(() => done.value.length > 0),
    canRedo: computed(() => undone.value.length > 0),
  };
};

export type AnnotationHistory = ReturnType<typeof useAnnotationHistory>;
