import { computed, ref, shallowRef, type Ref } from 'vue';
import { newBox, newMark, newStroke, pressureWidth, STROKE_STYLE, type StrokeKind } from '../components/copy/annotation-draft.js';
import { annotationAt, finishStroke, hitsAnnotation, moveAnnotation } from '../components/copy/annotation-geometry.js';
import type { Annotation, AnnotationPoint } from '../components/copy/copy-domain.js';
import type { AnnotationCommand } from './use-annotation-history.js';

export type AnnotationTool = 'pen' | 'highlighter' | 'box' | 'comment' | 'tick' | 'cross' | 'eraser' | 'select';

/** Pointer samples closer than this (page widths, about a pixel) add nothing a stroke can show. */
const MIN_STEP = 0.001;
/** The eraser and the move tool reach this many screen pixels around the pointer, whatever the zoom. */
const REACH_PIXELS = 6;

export type GestureOptions = Readonly<{
  pageId: () => string;
  aspect: () => number;
  annotations: () => readonly Annotation[];
  tool: () => AnnotationTool | null;
  color: () => string | undefined;
  /** Client pixels to page fractions, and the page's width on screen in pixels. */
  toPage: (event: PointerEvent) => AnnotationPoint;
  pageWidthPixels: () => number;
  /** Carries a command out (emits it); `record` files it for undo. */
  perform: (command: AnnotationCommand) => void;
  record: (command: AnnotationCommand) => void;
  /** The comment tool asks for the inline editor at a point, on an existing comment or a new one. */
  openComment: (at: AnnotationPoint, existing?: Annotation) => void;
}>;

type Gesture =
  | { type: 'stroke'; kind: StrokeKind; points: AnnotationPoint[]; pressures: number[]; pen: boolean }
  | { type: 'box'; from: AnnotationPoint; to: AnnotationPoint }
  | { type: 'erase'; removed: Annotation[]; last?: AnnotationPoint }
  | { type: 'move'; original: Annotation; from: AnnotationPoint; to: AnnotationPoint };

/**
 * Turns pointer events (mouse, pen, touch alike) into annotations. Only the first pointer draws: a
 * second finger or the palm of a hand holding a stylus is ignored. Nothing waits for the network:
 * a finished gesture is committed in the same event handler, so it shows on the next frame.
 */
export const useAnnotationGestures = (options: GestureOptions, readOnly: Ref<boolean>) => {
  const gesture = shallowRef<Gesture | null>(null);
  const pointerId = ref<number | null>(null);
  const selectedId = ref<string | null>(null);

  const commit = (command: AnnotationCommand): void => {
    options.perform(command);
    options.record(command);
  };
  const reach = (): number => REACH_PIXELS / Math.max(1, options.pageWidthPixels());

  const down = (event: PointerEvent): void => {
    const tool = options.tool();
    if (readOnly.value || tool === null || pointerId.value !== null) return;
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    const at = options.toPage(event);
    event.preventDefault();
    switch (tool) {
      case 'pen':
      case 'highlighter':
        gesture.value = { type: 'stroke', kind: tool, points: [at], pressures: [event.pressure], pen: event.pointerType === 'pen' };
        break;
      case 'box':
        gesture.value = { type: 'box', from: at, to: at };
        break;
      case 'eraser':
        gesture.value = { type: 'erase', removed: [] };
        erase(at);
        break;
      case 'select': {
        const target = annotationAt(options.annotations(), at, reach(), options.aspect());
        selectedId.value = target?.annotationId ?? null;
        if (target) gesture.value = { type: 'move', original: target, from: at, to: at };
        break;
      }
      case 'tick':
      case 'cross':
        commit({ type: 'add', annotation: newMark(tool, options.pageId(), at) });
        return;
      case 'comment': {
        const existing = options.annotations().find((a) => a.kind === 'comment' && hitsAnnotation(a, at, reach(), options.aspect()));
        options.openComment(at, existing);
        return;
      }
    }
    if (gesture.value === null) return;
    pointerId.value = event.pointerId;
    capture(event);
  };

  const move = (event: PointerEvent): void => {
    const current = gesture.value;
    if (current === null || event.pointerId !== pointerId.value) return;
    // A fast stylus reports several positions per frame; the coalesced list keeps the curve faithful.
    const samples = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const sample of samples.length > 0 ? samples : [event]) {
      const at = options.toPage(sample);
      if (current.type === 'stroke') {
        const last = current.points[current.points.length - 1]!;
        if (Math.hypot(at[0] - last[0], (at[1] - last[1]) * options.aspect()) < MIN_STEP) continue;
        current.points.push(at);
        current.pressures.push(sample.pressure);
      } else if (current.type === 'erase') erase(at);
      else current.to = at;
    }
    gesture.value = { ...current };
  };

  const up = (event: PointerEvent): void => {
    const current = gesture.value;
    if (current === null || event.pointerId !== pointerId.value) return;
    release(event);
    cancel();
    if (current.type === 'stroke') {
      const style = STROKE_STYLE[current.kind];
      const width = current.pen ? pressureWidth(style.width, current.pressures) : style.width;
      const points = finishStroke(current.points, options.aspect());
      const color = current.kind === 'pen' ? (options.color() ?? style.color) : style.color;
      commit({ type: 'add', annotation: newStroke(current.kind, options.pageId(), points, width, color) });
    } else if (current.type === 'box') {
      const box = newBox(options.pageId(), current.from, current.to);
      // A click is not a box: under about three pixels it was a slip.
      if (box && box.w * options.pageWidthPixels() >= 3 && box.h * options.pageWidthPixels() * options.aspect() >= 3) {
        commit({ type: 'add', annotation: box });
      }
    } else if (current.type === 'erase') {
      if (current.removed.length > 0)
        options.record({ type: 'batch', commands: current.removed.map((a) => ({ type: 'remove', annotation: a })) });
    } else {
      const moved = moveAnnotation(current.original, current.to[0] - current.from[0], current.to[1] - current.from[1]);
      if (JSON.stringify(moved) !== JSON.stringify(current.original)) commit({ type: 'edit', before: current.original, after: moved });
    }
  };

  /** Drops a gesture in progress: Escape, a cancelled pointer, or the copy turning read-only. */
  const cancel = (): void => {
    gesture.value = null;
    pointerId.value = null;
  };

  /** Erases along the segment from the last position: a quick sweep must not jump over a mark. */
  const erase = (at: AnnotationPoint): void => {
    const current = gesture.value;
    if (current?.type !== 'erase') return;
    const from = current.last ?? at;
    current.last = at;
    const steps = Math.max(1, Math.ceil(Math.hypot(at[0] - from[0], (at[1] - from[1]) * options.aspect()) / reach()));
    const gone = new Set(current.removed.map((a) => a.annotationId));
    for (let step = 1; step <= steps; step++) {
      const point: AnnotationPoint = [from[0] + ((at[0] - from[0]) * step) / steps, from[1] + ((at[1] - from[1]) * step) / steps];
      for (const annotation of options.annotations()) {
        if (gone.has(annotation.annotationId) || !hitsAnnotation(annotation, point, reach(), options.aspect())) continue;
        gone.add(annotation.annotationId);
        current.removed.push(annotation);
        // Removed at once (and shown gone) while the eraser keeps moving; one undo brings the whole sweep back.
        options.perform({ type: 'remove', annotation });
      }
    }
  };

  /** The stroke, box or moved annotation being drawn, to show under the pointer. */
  const preview = computed((): Annotation | { box: [number, number, number, number] } | null => {
    const current = gesture.value;
    if (current === null) return null;
    if (current.type === 'stroke') {
      const style = STROKE_STYLE[current.kind];
      const color = current.kind === 'pen' ? (options.color() ?? style.color) : style.color;
      return {
        annotationId: 'draft',
        pageId: options.pageId(),
        kind: current.kind,
        points: current.points,
        strokeWidth: style.width,
        color,
      };
    }
    if (current.type === 'box') {
      const [x, y] = [Math.min(current.from[0], current.to[0]), Math.min(current.from[1], current.to[1])];
      return { box: [x, y, Math.abs(current.to[0] - current.from[0]), Math.abs(current.to[1] - current.from[1])] };
    }
    if (current.type === 'move') return moveAnnotation(current.original, current.to[0] - current.from[0], current.to[1] - current.from[1]);
    return null;
  });

  return { down, move, up, cancel, preview, gesture, selectedId };
};

const capture = (event: PointerEvent): void => {
  try {
    (event.currentTarget as Element | null)?.setPointerCapture?.(event.pointerId);
  } catch {
    // A pointer that is already gone cannot be captured; the gesture still ends on pointerup.
  }
};

const release = (event: PointerEvent): void => {
  try {
    (event.currentTarget as Element | null)?.releasePointerCapture?.(event.pointerId);
  } catch {
    // Nothing to release.
  }
};
