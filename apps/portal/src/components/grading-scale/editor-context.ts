import type { InjectionKey } from 'vue';
import type { Path, ScaleProblem, Step } from './scale-tree';

export type DropPlace = 'before' | 'after' | 'inside';
export type RowAction = 'up' | 'down' | 'indent' | 'outdent' | 'add' | 'remove' | 'label';

/** What a row of the editor may ask of the editor (which owns the tree). */
export interface ScaleEditorContext {
  readonly disabled: boolean;
  problemOf(questionId: string): ScaleProblem | undefined;
  update(path: Path, patch: { label?: string; maxPoints?: number | null; step?: Step }): void;
  act(path: Path, action: Exclude<RowAction, 'label'>): void;
  dragStart(path: Path): void;
  dragEnd(): void;
  canDrop(path: Path, place: DropPlace): boolean;
  drop(path: Path, place: DropPlace): void;
}

export const SCALE_EDITOR: InjectionKey<ScaleEditorContext> = Symbol('scale-editor');
