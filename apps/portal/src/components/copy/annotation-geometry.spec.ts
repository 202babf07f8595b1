import { describe, expect, it } from 'vitest';
import { parseAnnotation } from '../../../../../libs/domain/src/copy/annotation.js';
import { newBox } from './annotation-draft.js';
import { fitSpan, finishStroke, hitsAnnotation, moveAnnotation, simplifyStroke } from './annotation-geometry.js';
import { MAX_STROKE_POINTS, type Annotation, type AnnotationPoint } from './copy-domain.js';

const ASPECT = 1.414;

describe('annotation geometry', () => {
  it('keeps every box inside the page, however rounding falls', () => {
    for (let i = 0; i <= 1000; i++) {
      const start = i / 1000;
      const [x, w] = fitSpan(start, 1 - start + 1e-7);
      expect(x + w).toBeLessThanOrEqual(1);
    }
    const box = newBox('p', [0.33333, 0.1], [1, 0.2])!;
    expect(() => parseAnnotation(box, ['p'])).not.toThrow();
    expect(newBox('p', [0.5, 0.5], [0.5, 0.7])).toBeUndefined();
  });

  it('brings a scribble of any length under the server’s point limit', () => {
    const scribble: AnnotationPoint[] = Array.from({ length: 20_000 }, (_, i) => [0.5 + 0.4 * Math.sin(i / 3), (i % 1000) / 1000]);
    const points = finishStroke(scribble, ASPECT);
    expect(points.length).toBeLessThanOrEqual(MAX_STROKE_POINTS);
    expect(points.length).toBeGreaterThan(100);
  });

  it('simplifies a straight run to its ends and keeps a corner', () => {
    const line: AnnotationPoint[] = Array.from({ length: 30 }, (_, i) => [i / 100, 0.2]);
    expect(simplifyStroke([...line, [0.29, 0.5]], ASPECT)).toEqual([
      [0, 0.2],
      [0.29, 0.2],
      [0.29, 0.5],
    ]);
  });

  it('hits a stroke near its ink and a box near its outline, not inside it', () => {
    const pen: Annotation = {
      annotationId: 'a',
      pageId: 'p',
      kind: 'pen',
      points: [
        [0.1, 0.1],
        [0.5, 0.1],
      ],
      strokeWidth: 0.002,
      color: '#d32f2f',
    };
    expect(hitsAnnotation(pen, [0.3, 0.1 + 0.004 / ASPECT], 0.005, ASPECT)).toBe(true);
    expect(hitsAnnotation(pen, [0.3, 0.1 + 0.01 / ASPECT], 0.005, ASPECT)).toBe(false);
    const box: Annotation = { annotationId: 'b', pageId: 'p', kind: 'box', x: 0.2, y: 0.2, w: 0.4, h: 0.3 };
    expect(hitsAnnotation(box, [0.2, 0.35], 0.005, ASPECT)).toBe(true);
    expect(hitsAnnotation(box, [0.4, 0.35], 0.005, ASPECT)).toBe(false);
  });

  it('moves a stroke as a whole and stops it at the page edge', () => {
    const pen: Annotation = {
      annotationId: 'a',
      pageId: 'p',
      kind: 'pen',
      points: [
        [0.8, 0.1],
        [0.9, 0.2],
      ],
      strokeWidth: 0.002,
      color: '#d32f2f',
    };
    expect(moveAnnotation(pen, 0.5, -0.05)).toMatchObject({
      points: [
        [0.9, 0.05],
        [1, 0.15],
      ],
    });
  });
});
