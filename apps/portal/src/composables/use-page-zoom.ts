import { computed, nextTick, ref, type Ref } from 'vue';

/**
 * Zoom of the page viewer. The page's on-screen width follows the viewport in the two fit modes, and
 * is a factor of the fit-to-width size otherwise, so "150 %" means the same on any screen. Annotations
 * never see this: they live in page fractions.
 */
export type FitMode = 'width' | 'page' | 'free';

const MIN_FACTOR = 0.25;
const MAX_FACTOR = 5;
const STEP = 1.25;
/** Room left around the page inside the scrolling viewport, in CSS pixels. */
export const PAGE_MARGIN = 16;

export const usePageZoom = (viewport: Ref<HTMLElement | null>, aspect: Ref<number>) => {
  const mode = ref<FitMode>('width');
  const factor = ref(1);
  const size = ref({ width: 0, height: 0 });

  /** Reads the viewport's size; called on mount and whenever it is resized. */
  const measure = (): void => {
    const element = viewport.value;
    if (element) size.value = { width: element.clientWidth, height: element.clientHeight };
  };

  const fitWidth = computed(() => Math.max(1, size.value.width - 2 * PAGE_MARGIN));
  const fitPage = computed(() => Math.max(1, Math.min(fitWidth.value, (size.value.height - 2 * PAGE_MARGIN) / aspect.value)));
  /** The page's width on screen, in CSS pixels. */
  const pageWidth = computed(() => {
    if (mode.value === 'width') return fitWidth.value;
    if (mode.value === 'page') return fitPage.value;
    return fitWidth.value * factor.value;
  });
  const percent = computed(() => Math.round((pageWidth.value / fitWidth.value) * 100));

  /**
   * Sets a zoom factor keeping the page point under `anchor` (client pixels) where it was — the point
   * under the mouse for Ctrl+wheel, the viewport's centre for the buttons and keys.
   */
  const zoomTo = async (next: number, page: HTMLElement | null, anchor?: { x: number; y: number }): Promise<void> => {
    const element = viewport.value;
    const before = page?.getBoundingClientRect();
    const target = anchor ?? centre(element);
    const clamped = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, next));
    mode.value = 'free';
    factor.value = clamped;
    if (!element || !page || !before || before.width === 0 || !target) return;
    const fx = (target.x - before.left) / before.width;
    const fy = (target.y - before.top) / before.height;
    await nextTick();
    const after = page.getBoundingClientRect();
    element.scrollLeft += after.left + fx * after.width - target.x;
    element.scrollTop += after.top + fy * after.height - target.y;
  };

  const current = (): number => pageWidth.value / fitWidth.value;
  return {
    mode,
    pageWidth,
    percent,
    measure,
    zoomIn: (page: HTMLElement | null, anchor?: { x: number; y: number }) => zoomTo(current() * STEP, page, anchor),
    zoomOut: (page: HTMLElement | null, anchor?: { x: number; y: number }) => zoomTo(current() / STEP, page, anchor),
    fit: (next: Exclude<FitMode, 'free'>) => {
      mode.value = next;
      factor.value = 1;
    },
  };
};

const centre = (element: HTMLElement | null): { x: number; y: number } | undefined => {
  if (!element) return undefined;
  const box = element.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
};
