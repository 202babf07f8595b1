import { enableAutoUnmount, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import type { AnnotationTool } from '../../composables/use-annotation-gestures.js';
import CopyAnnotationLayer from './CopyAnnotationLayer.vue';
import type { Annotation, StrokeAnnotation } from './copy-domain.js';
import { parseAnnotation } from '../../../../../libs/domain/src/copy/annotation.js';

enableAutoUnmount(afterEach);

const PAGE = 'page-1';
const ASPECT = 297 / 210; // A4 portrait

describe('the annotation layer', () => {
  it('draws a pen stroke in page fractions, the same at zoom 1 and zoom 2', async () => {
    for (const zoom of [1, 2]) {
      const { layer, annotations } = mountLayer('pen', { left: 40, top: 100, width: 600 * zoom });
      // The same three places on the page: a quarter across, a tenth down; then half across; then three quarters across.
      stroke(layer, [
        [40 + 150 * zoom, 100 + 0.1 * pageHeight(600 * zoom)],
        [40 + 300 * zoom, 100 + 0.3 * pageHeight(600 * zoom)],
        [40 + 450 * zoom, 100 + 0.1 * pageHeight(600 * zoom)],
      ]);
      await layer.vm.$nextTick();
      expect(annotations.value).toHaveLength(1);
      const pen = annotations.value[0] as StrokeAnnotation;
      expect(pen.kind).toBe('pen');
      expect(pen.points).toEqual([
        [0.25, 0.1],
        [0.5, 0.3],
        [0.75, 0.1],
      ]);
      // Exactly what the server's parser rebuilds: a retry compares equal.
      expect(JSON.stringify(parseAnnotation(pen, [PAGE]))).toBe(JSON.stringify(pen));
      expect(layer.findAll('[data-kind="pen"]')).toHaveLength(1);
      layer.unmount();
    }
  });

  it('drops the points of a straight run and keeps the corners', async () => {
    const { layer, annotations } = mountLayer('pen', { left: 0, top: 0, width: 1000 });
    const straight = Array.from({ length: 50 }, (_, i): [number, number] => [100 + i * 10, 200]);
    stroke(layer, [...straight, [590, 400]]);
    await layer.vm.$nextTick();
    expect((annotations.value[0] as StrokeAnnotation).points).toEqual([
      [0.1, round5(200 / pageHeight(1000))],
      [0.59, round5(200 / pageHeight(1000))],
      [0.59, round5(400 / pageHeight(1000))],
    ]);
  });

  it('widens a stylus stroke pressed hard', async () => {
    const { layer, annotations } = mountLayer('pen', { left: 0, top: 0, width: 600 });
    stroke(
      layer,
      [
        [100, 100],
        [200, 200],
      ],
      { pointerType: 'pen', pressure: 1 },
    );
    await layer.vm.$nextTick();
    expect((annotations.value[0] as StrokeAnnotation).strokeWidth).toBeCloseTo(0.003, 6);
  });

  it('puts a tick and a cross where clicked', async () => {
    const { layer, annotations, tool } = mountLayer('tick', { left: 0, top: 0, width: 500 });
    click(layer, 100, 200);
    tool.value = 'cross';
    await layer.vm.$nextTick();
    click(layer, 250, 0);
    await layer.vm.$nextTick();
    expect(annotations.value.map(({ kind, ...rest }) => [kind, 'x' in rest ? rest.x : null, 'y' in rest ? rest.y : null])).toEqual([
      ['tick', 0.2, round5(200 / pageHeight(500))],
      ['cross', 0.5, 0],
    ]);
  });

  it('draws a box dragged from bottom right to top left, and ignores a click with the box tool', async () => {
    const { layer, annotations } = mountLayer('box', { left: 0, top: 0, width: 1000 });
    stroke(layer, [
      [600, 500],
      [200, 100],
    ]);
    click(layer, 300, 300);
    await layer.vm.$nextTick();
    expect(annotations.value).toHaveLength(1);
    expect(annotations.value[0]).toMatchObject({ kind: 'box', x: 0.2, y: round5(100 / pageHeight(1000)), w: 0.4 });
  });

  it('writes a comment in the inline editor: Enter saves it, Escape drops it', async () => {
    const { layer, annotations } = mountLayer('comment', { left: 0, top: 0, width: 1000 });
    click(layer, 500, 100);
    await layer.vm.$nextTick();
    await layer.find('textarea').setValue('  Bien vu, mais justifiez.  ');
    await layer.find('textarea').trigger('keydown', { key: 'Enter' });
    expect(annotations.value).toEqual([expect.objectContaining({ kind: 'comment', x: 0.5, text: 'Bien vu, mais justifiez.' })]);
    expect(layer.find('textarea').exists()).toBe(false);

    click(layer, 100, 600);
    await layer.vm.$nextTick();
    await layer.find('textarea').setValue('brouillon');
    await layer.find('textarea').trigger('keydown', { key: 'Escape' });
    expect(annotations.value).toHaveLength(1);
  });

  it('edits a comment clicked with the comment tool, and removes it when emptied', async () => {
    const note: Annotation = { annotationId: 'c1', pageId: PAGE, kind: 'comment', x: 0.1, y: 0.1, text: 'Attention' };
    const { layer, annotations, events } = mountLayer('comment', { left: 0, top: 0, width: 1000 }, [note]);
    click(layer, 105, 0.1 * pageHeight(1000) + 10);
    await layer.vm.$nextTick();
    expect((layer.find('textarea').element as HTMLTextAreaElement).value).toBe('Attention');
    await layer.find('textarea').setValue('Attention aux unités');
    await layer.find('textarea').trigger('blur');
    expect(annotations.value).toEqual([{ ...note, text: 'Attention aux unités' }]);
    click(layer, 105, 0.1 * pageHeight(1000) + 10);
    await layer.vm.$nextTick();
    await layer.find('textarea').setValue('   ');
    await layer.find('textarea').trigger('keydown', { key: 'Enter' });
    expect(annotations.value).toEqual([]);
    expect(events).toEqual(['edit', 'remove']);
  });

  it('erases what the eraser crosses, and one undo brings the whole sweep back', async () => {
    const { layer, annotations } = mountLayer('eraser', { left: 0, top: 0, width: 1000 }, [
      tick('a', 0.2, 0.1),
      tick('b', 0.6, 0.1),
      tick('c', 0.9, 0.9),
    ]);
    const y = 0.1 * pageHeight(1000);
    stroke(layer, [
      [150, y],
      [400, y],
      [650, y],
    ]);
    await layer.vm.$nextTick();
    expect(annotations.value.map((a) => a.annotationId)).toEqual(['c']);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true }));
    await layer.vm.$nextTick();
    expect(annotations.value.map((a) => a.annotationId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('undoes an add by a removal and redoes it with the same id (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y)', async () => {
    const { layer, annotations, events } = mountLayer('tick', { left: 0, top: 0, width: 500 });
    click(layer, 100, 100);
    click(layer, 200, 100);
    const [first, second] = annotations.value.map((a) => a.annotationId);
    key('z', { ctrlKey: true });
    key('z', { ctrlKey: true });
    expect(annotations.value).toEqual([]);
    key('z', { ctrlKey: true, shiftKey: true });
    expect(annotations.value.map((a) => a.annotationId)).toEqual([first]);
    key('y', { ctrlKey: true });
    expect(annotations.value.map((a) => a.annotationId)).toEqual([first, second]);
    expect(events).toEqual(['add', 'add', 'remove', 'remove', 'add', 'add']);
    await layer.vm.$nextTick();
    // A new action forgets what was undone.
    key('z', { ctrlKey: true });
    click(layer, 300, 100);
    key('y', { ctrlKey: true });
    expect(annotations.value).toHaveLength(2);
  });

  it('moves an annotation with the select tool and undoes the move as an edit', async () => {
    const { layer, annotations, events } = mountLayer('select', { left: 0, top: 0, width: 1000 }, [tick('a', 0.2, 0.1)]);
    const y = 0.1 * pageHeight(1000);
    stroke(layer, [
      [200, y],
      [300, y + 100],
      [400, y],
    ]);
    expect(annotations.value).toEqual([expect.objectContaining({ annotationId: 'a', x: 0.4, y: 0.1 })]);
    key('z', { ctrlKey: true });
    expect(annotations.value).toEqual([expect.objectContaining({ annotationId: 'a', x: 0.2, y: 0.1 })]);
    expect(events).toEqual(['edit', 'edit']);
  });

  it('switches tools with their letters, but not while typing', async () => {
    const { layer, tool } = mountLayer('pen', { left: 0, top: 0, width: 500 });
    for (const [letter, expected] of [
      ['h', 'highlighter'],
      ['b', 'box'],
      ['t', 'comment'],
      ['v', 'tick'],
      ['x', 'cross'],
      ['e', 'eraser'],
      ['p', 'pen'],
    ] as const) {
      key(letter);
      expect(tool.value).toBe(expected);
    }
    const input = document.createElement('input');
    document.body.append(input);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'e', bubbles: true }));
    expect(tool.value).toBe('pen');
    input.remove();
    layer.unmount();
  });

  it('ignores drawing, erasing and undo when read-only, and shows the banner', async () => {
    const { layer, annotations } = mountLayer('pen', { left: 0, top: 0, width: 500 }, [tick('a', 0.5, 0.5)], true);
    stroke(layer, [
      [10, 10],
      [200, 200],
    ]);
    key('z', { ctrlKey: true });
    key('e');
    await layer.vm.$nextTick();
    expect(annotations.value.map((a) => a.annotationId)).toEqual(['a']);
    expect(layer.find('.read-only-banner').text()).toBe('Lecture seule');
  });
});

// Fixtures -----------------------------------------------------------------------------------------

const pageHeight = (width: number): number => width * ASPECT;
const round5 = (value: number): number => Math.round(value * 1e5) / 1e5;
const tick = (annotationId: string, x: number, y: number): Annotation => ({ annotationId, pageId: PAGE, kind: 'tick', x, y });

/** Mounts the layer in a host that applies its events like the store does, with the page at `rect` on screen. */
const mountLayer = (
  initialTool: AnnotationTool,
  rect: { left: number; top: number; width: number },
  initial: Annotation[] = [],
  readOnly = false,
) => {
  const annotations = ref<Annotation[]>(initial);
  const tool = ref<AnnotationTool | null>(initialTool);
  const events: string[] = [];
  const Host = defineComponent(
    () => () =>
      h(
        CopyAnnotationLayer,
        {
          pageId: PAGE,
          aspect: ASPECT,
          annotations: annotations.value,
          tool: tool.value,
          readOnly,
          'onUpdate:tool': (next: AnnotationTool | null) => (tool.value = next),
          onAdd: (a: Annotation) => {
            events.push('add');
            annotations.value = [...annotations.value, a];
          },
          onEdit: (a: Annotation) => {
            events.push('edit');
            annotations.value = annotations.value.map((b) => (b.annotationId === a.annotationId ? a : b));
          },
          onRemove: (a: Annotation) => {
            events.push('remove');
            annotations.value = annotations.value.filter((b) => b.annotationId !== a.annotationId);
          },
        },
        { 'read-only': () => 'Lecture seule' },
      ),
  );
  const layer = mount(Host, { attachTo: document.body });
  const svg = layer.find('svg').element;
  const height = pageHeight(rect.width);
  svg.getBoundingClientRect = () => ({
    ...rect,
    height,
    x: rect.left,
    y: rect.top,
    right: rect.left + rect.width,
    bottom: rect.top + height,
    toJSON: () => ({}),
  });
  return { layer, annotations, tool, events };
};

type PointerInit = { pointerType?: string; pressure?: number };
const pointer = (layer: VueWrapper, type: string, [clientX, clientY]: [number, number], init: PointerInit = {}): void => {
  layer.find('svg').element.dispatchEvent(
    new PointerEvent(type, {
      clientX,
      clientY,
      pointerId: 7,
      pointerType: init.pointerType ?? 'mouse',
      pressure: init.pressure ?? 0.5,
      button: 0,
      bubbles: true,
    }),
  );
};
const stroke = (layer: VueWrapper, points: [number, number][], init?: PointerInit): void => {
  pointer(layer, 'pointerdown', points[0]!, init);
  for (const point of points.slice(1)) pointer(layer, 'pointermove', point, init);
  pointer(layer, 'pointerup', points.at(-1)!, init);
};
const click = (layer: VueWrapper, x: number, y: number): void => stroke(layer, [[x, y]]);
const key = (k: string, init: KeyboardEventInit = {}): void => {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, ...init }));
};
