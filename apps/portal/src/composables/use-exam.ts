import { type ComputedRef, type InjectionKey, computed, inject, provide } from 'vue';
import { ExamDocument, type ExamQuery } from '@/graphql/generated';
import { type QueryState, useQuery } from './use-async';

/**
 * The exam an admin is looking at, loaded once by its layout and shared with its tabs (overview,
 * grading scale, correctors, copies); a tab that changes the exam refreshes it for all.
 */
export type AdminExam = ExamQuery['exam'];
export interface ExamContext {
  readonly exam: ComputedRef<AdminExam | null>;
  readonly state: QueryState<ExamQuery>;
  refresh(): Promise<void>;
}

const EXAM: InjectionKey<ExamContext> = Symbol('exam');

export const provideExam = (examId: () => string): ExamContext => {
  const state = useQuery(ExamDocument, () => ({ examId: examId() }));
  const exam = computed(() => state.data.value?.exam ?? null);
  const context: ExamContext = { exam, state, refresh: state.refresh };
  provide(EXAM, context);
  return context;
};

export const useExam = (): ExamContext => {
  const context = inject(EXAM);
  if (!context) throw new Error('useExam() outside an exam page');
  return context;
};
