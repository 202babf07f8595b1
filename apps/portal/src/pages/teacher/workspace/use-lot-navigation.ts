import { computed, onBeforeUnmount, onMounted } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { isTyping } from '@/components/copy/copy-keyboard';
import { neighbours, viewFromQuery, type LotCopy } from '@/components/lot/lot-filter';
import { useQuery } from '@/composables/use-async';
import { MyCopiesDocument } from '@/graphql/generated';

/**
 * Next and previous copy of the lot, in the order and with the filter of the lot page (carried in the
 * address). Alt+→ / Alt+← anywhere (even in a score box), or J / K when not typing.
 */
export const useLotNavigation = (copyId: string, examId: () => string | null) => {
  const route = useRoute();
  const router = useRouter();
  const lot = useQuery(MyCopiesDocument, () => {
    const id = examId();
    return id ? { examId: id } : null;
  });
  const view = computed(() => viewFromQuery(route.query));
  const around = computed(() => neighbours(lot.data.value?.myCopies ?? [], view.value, copyId));

  const go = (target: LotCopy | undefined): void => {
    if (!target) return;
    // A score or remark being typed saves on blur: blurred first, it is queued before the copy changes.
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    void router.push({ name: 'teacher-copy', params: { copyId: target.copyId }, query: route.query });
  };
  const previous = (): void => go(around.value.previous);
  const next = (): void => go(around.value.next);
  const lotLocation = computed(() => {
    const id = examId();
    return id ? { name: 'teacher-lot', params: { examId: id }, query: route.query } : { name: 'teacher-home' };
  });

  const onKey = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey) return;
    const arrows = event.altKey && !event.shiftKey;
    const letters = !event.altKey && !event.shiftKey && !isTyping(event);
    if (arrows && event.key === 'ArrowRight') next();
    else if (arrows && event.key === 'ArrowLeft') previous();
    else if (letters && event.key.toLowerCase() === 'j') next();
    else if (letters && event.key.toLowerCase() === 'k') previous();
    else return;
    event.preventDefault(); // Alt+← is the browser's Back otherwise
  };
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));

  return { around, previous, next, lotLocation, refresh: lot.refresh };
};
