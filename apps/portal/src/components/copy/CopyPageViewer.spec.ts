import { enableAutoUnmount, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import CopyPageViewer, { type ViewerPage } from './CopyPageViewer.vue';

enableAutoUnmount(afterEach);

describe('the page viewer', () => {
  it('fits the page to the width, then to the whole page, and zooms by steps around it', async () => {
    const viewer = await mountViewer();
    expect(pageStyle(viewer)).toEqual({ width: 768, height: 768 * 1.5 }); // 800 wide, 16 px margins
    await viewer.find('.zoom-in').trigger('click');
    expect(pageStyle(viewer).width).toBeCloseTo(960, 6);
    expect(viewer.find('.zoom-percent').text()).toBe('125 %');
    key('-');
    key('-');
    await viewer.vm.$nextTick();
    expect(pageStyle(viewer).width).toBeCloseTo(614.4, 6);
    await viewer
      .findAll('button')
      .find((b) => b.text() === 'Page entière')!
      .trigger('click');
    // 600 high, 16 px margins, aspect 1.5: the page is (600 − 32) / 1.5 wide.
    expect(pageStyle(viewer).width).toBeCloseTo(568 / 1.5, 6);
  });

  it('zooms with Ctrl+wheel and lets a plain wheel scroll', async () => {
    const viewer = await mountViewer();
    const viewport = viewer.find('.viewport');
    await viewport.trigger('wheel', { deltaY: 100 });
    expect(pageStyle(viewer).width).toBe(768);
    await viewport.trigger('wheel', { deltaY: -100, ctrlKey: true });
    expect(pageStyle(viewer).width).toBeCloseTo(960, 6);
  });

  it('turns pages with PageDown, PageUp and the arrows, not while typing, and from the thumbnails', async () => {
    const viewer = await mountViewer();
    key('PageDown');
    key('ArrowRight');
    key('ArrowRight'); // already on the last page
    expect(viewer.emitted('update:page')).toEqual([[1], [2]]);
    const input = document.createElement('input');
    document.body.append(input);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    input.remove();
    expect(viewer.emitted('update:page')).toHaveLength(2);
    await viewer.setProps({ page: 2 });
    key('PageUp');
    await viewer.findAll('.thumbnail')[0]!.trigger('click');
    expect(viewer.emitted('update:page')!.slice(2)).toEqual([[1], [0]]);
    // Nobody listens to update:page here, so the viewer keeps the page itself.
    expect(viewer.findAll('.thumbnail').map((t) => t.attributes('aria-current'))).toEqual(['page', undefined, undefined]);
  });

  it('lays the overlay over the page with its aspect, and maps client pixels to page fractions', async () => {
    const viewer = await mountViewer();
    expect(viewer.find('.overlay').text()).toBe('p1 1.5 768');
    const page = viewer.find('.page').element as HTMLElement;
    page.getBoundingClientRect = () => new DOMRect(100, 50, 768, 1152);
    const { clientToPage, pageToClient } = viewer.vm as unknown as Record<string, (x: number, y: number) => [number, number]>;
    expect(clientToPage!(100 + 192, 50 + 576)).toEqual([0.25, 0.5]);
    expect(pageToClient!(0.25, 0.5)).toEqual([292, 626]);
  });

  it('pans with the hand tool, and keeps that drag from the layer below', async () => {
    const viewer = await mountViewer({ hand: true });
    const viewport = viewer.find('.viewport').element as HTMLElement;
    let reachedOverlay = false;
    viewer.find('.overlay').element.addEventListener('pointerdown', () => (reachedOverlay = true));
    viewport.scrollLeft = 100;
    viewport.scrollTop = 100;
    viewer
      .find('.overlay')
      .element.dispatchEvent(new PointerEvent('pointerdown', { clientX: 300, clientY: 300, pointerId: 1, bubbles: true }));
    viewport.dispatchEvent(new PointerEvent('pointermove', { clientX: 260, clientY: 250, pointerId: 1, bubbles: true }));
    viewport.dispatchEvent(new PointerEvent('pointerup', { clientX: 260, clientY: 250, pointerId: 1, bubbles: true }));
    expect(reachedOverlay).toBe(false);
    expect([viewport.scrollLeft, viewport.scrollTop]).toEqual([140, 150]);
  });
});

// Fixtures -----------------------------------------------------------------------------------------

const PAGES: ViewerPage[] = [1, 2, 3].map((n) => ({ pageId: `p${n}`, url: `/api/files/pages/p${n}.png`, width: 1000, height: 1500 }));

const mountViewer = async (props: { hand?: boolean } = {}) => {
  const viewer = mount(CopyPageViewer, {
    attachTo: document.body,
    props: { pages: PAGES, ...props },
    slots: {
      overlay: `<template #overlay="{ page, aspect, pageWidth }"><div class="overlay">{{ page.pageId }} {{ aspect }} {{ pageWidth }}</div></template>`,
    },
  });
  // happy-dom lays nothing out: give the viewport the size a browser would, then let the viewer measure it.
  const viewport = viewer.find('.viewport').element;
  Object.defineProperty(viewport, 'clientWidth', { value: 800, configurable: true });
  Object.defineProperty(viewport, 'clientHeight', { value: 600, configurable: true });
  (viewer.vm as unknown as { measure: () => void }).measure();
  await viewer.vm.$nextTick();
  return viewer;
};

const pageStyle = (viewer: Awaited<ReturnType<typeof mountViewer>>) => {
  const style = (viewer.find('.page').element as HTMLElement).style;
  return { width: parseFloat(style.width), height: parseFloat(style.height) };
};

const key = (k: string): void => {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k }));
};
