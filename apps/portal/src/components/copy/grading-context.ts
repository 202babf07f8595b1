import type { InjectionKey, Ref } from 'vue';
import type { ScoreEntry } from './grading-entry.js';

/** What the grading panel shares with the question rows it renders, at any depth of the scale tree. */
export type GradingContext = Readonly<{
  scores: Ref<Readonly<Record<string, number>>>;
  remarks: Ref<Readonly<Record<string, string>>>;
  readOnly: Ref<boolean>;
  /** The last entry read for each question, kept on screen to say why a score was clamped or rounded. */
  entries: Ref<Readonly<Record<string, ScoreEntry>>>;
  /** Reads and saves what was typed; `move` then focuses the next (1) or previous (-1) question. */
  commitScore: (questionId: string, text: string, move: 0 | 1 | -1) => boolean;
  commitRemark: (questionId: string, text: string) => void;
  forget: (questionId: string) => void;
}>;

export const GRADING_CONTEXT: InjectionKey<GradingContext> = Symbol('grading-context');
