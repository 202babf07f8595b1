import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { bench, describe } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { useCorrectionStore } from '../../stores/correction.js';
import { useSaveQueueStore } from '../../stores/save-queue.js';
import CopyAnnotationLayer from './CopyAnnotationLayer.vue';
import type { Annotation } from './copy-domain.js';

/**
 * How long a corrector waits to see a mark: from the pointer event to the mark in the DOM, through the
 * workspace store, on a page that already carries 300 annotations (issue bar: shown under 50 ms).
 * Run: npx vitest bench --run --config apps/portal/vitest.config.ts annotation-layer
 */
setActivePinia(createPinia());
const queue = useSaveQueueStore();
queue.configure({ send: () => new Promise(() => {}), owner: 'bench', storage: null }); // the server never answers: nothing waits for it
const workspace = useCorrectionStore();
const existing: Annotation[] = Array.from({ length: 300 }, (_, i) => ({
  annotationId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
  pageId: 'p1',
  kind: 'pen',
  points: Array.from({ length: 40 }, (_, j): [number, number] => [(i % 20) / 20 + j / 1000, Math.floor(i / 20) / 15 + (j % 7) / 500]),
  strokeWidth: 0.002,
  color: '#d32f2f',
}));
workspace.load({
  copyId: 'c1',
  examId: 'e1',
  anonymousCode: 'K-1',
  pages: [{ pageId: 'p1', url: '' }],
  annotations: existing,
  scores: {},
  remarks: {},
  appreciation: '',
  scale: [{ questionId: 'q1', label: 'Q1', maxPoints: 20, step: 0.5 }],
  finalised: null,
});
workspace.lockHeld = true;

const Host = defineComponent(
  () => () =>
    h(CopyAnnotationLayer, {
      pageId: 'p1',
      aspect: 1.414,
      annotations: workspace.copy!.annotations,
      tool: 'tick',
      keyboard: false,
      onAdd: (a: Annotation) => workspace.addAnnotation(a),
    }),
);
const layer = mount(Host, { attachTo: document.body });
const svg = layer.find('svg').element;
svg.getBoundingClientRect = () => new DOMRect(0, 0, 800, 1131);

describe('adding an annotation', () => {
  bench('pointerdown to the tick in the DOM, 300 annotations on the page', async () => {
    const before = svg.querySelectorAll('[data-kind="tick"]').length;
    svg.dispatchEvent(new PointerEvent('pointerdown', { clientX: 400, clientY: 500, pointerId: 1, button: 0, bubbles: true }));
    await nextTick();
    if (svg.querySelectorAll('[data-kind="tick"]').length !== before + 1) throw new Error('the tick was not drawn');
  });
});
