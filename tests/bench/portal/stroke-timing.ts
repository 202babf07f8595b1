import type { BrowserContext, Page } from 'playwright-core';

/**
 * Times pen strokes in the page itself, on the page's own clock (performance.now), so nothing of
 * the test driver's round trips is counted: from the pointer-up that ends a stroke to
 *  - dom: the stroke's annotation element (not the draft drawn while the pointer moves) in the DOM;
 *  - ack: the addAnnotation mutation's response read by the portal;
 *  - saved: the save status back to "Enregistré".
 */
export interface StrokeTiming {
  readonly dom: number;
  readonly ack: number;
  readonly saved: number;
}

/** Installed before the portal's scripts, so its fetch is the wrapped one. */
const INSTRUMENT = `(() => {
  const marks = { up: [], dom: [], ack: [], saved: [] };
  window.__strokeMarks = marks;
  addEventListener('pointerup', () => marks.up.push(performance.now()), true);
  const send = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await send(input, init);
    if (typeof init?.body === 'string' && init.body.includes('addAnnotation(')) {
      await response.clone().text();
      marks.ack.push(performance.now());
    }
    return response;
  };
  const isStroke = (node) =>
    node instanceof Element && node.matches('g.copy-annotation[data-kind="pen"]') && node.getAttribute('data-annotation-id') !== 'draft';
  new MutationObserver((records) => {
    const now = performance.now();
    for (const record of records) {
      if (record.type === 'childList') {
        for (const node of record.addedNodes) if (isStroke(node)) marks.dom.push(now);
      } else if (record.target instanceof Element && record.target.matches('.copy-save-status')
        && record.target.getAttribute('data-status') === 'saved' && record.oldValue !== 'saved') {
        marks.saved.push(now);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'], attributeOldValue: true });
})();`;

export const instrumentStrokes = async (context: BrowserContext): Promise<void> => {
  await context.addInitScript(INSTRUMENT);
};

type Marks = { up: number[]; dom: number[]; ack: number[]; saved: number[] };
const marks = (page: Page): Promise<Marks> => page.evaluate('window.__strokeMarks') as Promise<Marks>;

/**
 * Draws `count` short strokes with the mouse over the visible part of the page, one after the other
 * (each once saved), and returns their timings.
 */
export const timeStrokes = async (page: Page, count: number): Promise<StrokeTiming[]> => {
  const layer = page.locator('.correction-workspace .copy-annotation-layer svg').first();
  const box = (await layer.boundingBox())!;
  const viewport = page.viewportSize()!;
  const bottom = Math.min(box.y + box.height, viewport.height) - 20;
  const start = await marks(page);
  const timings: StrokeTiming[] = [];
  for (let i = 0; i < count; i++) {
    const x = box.x + box.width * (0.1 + 0.7 * ((i % 5) / 5));
    const y = box.y + 40 + ((bottom - box.y - 80) * Math.floor(i / 5)) / Math.ceil(count / 5);
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let step = 1; step <= 8; step++) await page.mouse.move(x + step * 12, y + Math.sin(step / 2) * 6);
    await page.mouse.up();
    const n = i + 1;
    await page.waitForFunction(
      `(() => { const m = window.__strokeMarks; return m.up.length >= ${start.up.length + n} && m.dom.length >= ${start.dom.length + n}
        && m.ack.length >= ${start.ack.length + n} && m.saved.length >= ${start.saved.length + n}; })()`,
      undefined,
      { timeout: 10_000 },
    );
    const now = await marks(page);
    const up = now.up[start.up.length + i]!;
    timings.push({
      dom: now.dom[start.dom.length + i]! - up,
      ack: now.ack[start.ack.length + i]! - up,
      saved: now.saved[start.saved.length + i]! - up,
    });
  }
  return timings;
};
