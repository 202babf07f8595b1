import { type Ref, onScopeDispose, ref, shallowRef, watch } from 'vue';
import { client } from '@/graphql/client';
import type { TypedDocumentString } from '@/graphql/generated';

export interface QueryState<R> {
  readonly data: Ref<R | null>;
  readonly error: Ref<unknown>;
  readonly loading: Ref<boolean>;
  /** Fetches again; the previous answer stays on screen meanwhile. */
  refresh(): Promise<void>;
}

/**
 * A query bound to a component: runs when its variables change (null variables: not yet), drops
 * the answer of a call overtaken by a newer one, and aborts when the component goes away.
 */
export const useQuery = <R, V>(document: TypedDocumentString<R, V>, variables: () => V | null): QueryState<R> => {
  const data = shallowRef<R | null>(null);
  const error = shallowRef<unknown>(null);
  const loading = ref(false);
  let controller: AbortController | null = null;

  const refresh = async (): Promise<void> => {
    const vars = variables();
    if (vars === null) return;
    controller?.abort();
    const mine = (controller = new AbortController());
    loading.value = true;
    try {
      const result = await client.execute(document, vars, { signal: mine.signal });
      if (controller === mine) {
        data.value = result;
        error.value = null;
      }
    } catch (caught) {
      if (controller === mine && !mine.signal.aborted) error.value = caught;
    } finally {
      if (controller === mine) loading.value = false;
    }
  };

  watch(variables, () => void refresh(), { deep: true, immediate: true });
  onScopeDispose(() => controller?.abort());
  return { data, error, loading, refresh };
};

export interface ActionState<A extends unknown[], R> {
  /** Runs the action; resolves undefined when it failed (the error is in `error`). */
  run(...args: A): Promise<R | undefined>;
  readonly pending: Ref<boolean>;
  readonly error: Ref<unknown>;
  reset(): void;
}

/** A button's work: one at a time, with its pending state and its error for the form to show. */
export const useAction = <A extends unknown[], R>(action: (...args: A) => Promise<R>): ActionState<A, R> => {
  const pending = ref(false);
  const error = shallowRef<unknown>(null);
  return {
    pending,
    error,
    reset: () => (error.value = null),
    async run(...args: A) {
      if (pending.value) return undefined;
      pending.value = true;
      error.value = null;
      try {
        return await action(...args);
      } catch (caught) {
        error.value = caught;
        return undefined;
      } finally {
        pending.value = false;
      }
    },
  };
};
