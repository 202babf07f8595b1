import { createCanvas } from '@napi-rs/canvas';
import { type Annotation, type AnnotationPoint, buildGradingScale } from '#domain';
import { encodeCanvas } from '#ocr';
import type { CorrectedCopyPdfInput } from './build-corrected-copy-pdf.js';

/**
 * Realistic inputs for the corrected-copy PDF spec and benchmark: A4 view images at 150 dpi
 * (1240 × 1754 px, off-white paper, ruled lines, blue handwriting-like ink, JPEG q80 like the render
 * workers write them) and a copy with a nested grading scale. Deterministic: seeded, no clock.
 */

export const A4_150DPI = { width: 1240, height: 1754 } as const;

export const pageImage = async (seed: number, size: { width: number; height: number } = A4_150DPI): Promise<Uint8Array> => {
  const { width, height } = size;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#f4f3ef';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#c8ccd8';
  ctx.lineWidth = 1;
  for (let y = height * 0.12; y < height * 0.95; y += height / 40) {
    ctx.beginPath();
    ctx.moveTo(width * 0.06, y);
    ctx.lineTo(width * 0.94, y);
    ctx.stroke();
  }
  const random = seeded(seed);
  ctx.strokeStyle = '#24306e';
  ctx.lineWidth = width / 600;
  for (let y = height * 0.12 - 4; y < height * 0.9; y += height / 40) {
    ctx.beginPath();
    let x = width * 0.08;
    ctx.moveTo(x, y);
    while (x < width * (0.6 + random() * 0.3)) {
      x += width / 120;
      ctx.lineTo(x, y - random() * (height / 80));
    }
    ctx.stroke();
  }
  return new Uint8Array(await encodeCanvas(canvas, 'jpeg', 80));
};

export const sampleScale = buildGradingScale([
  {
    questionId: 'ex1',
    label: 'Exercice 1 — fonctions',
    children: [
      { questionId: 'ex1a', label: 'a) Dérivée de f', maxPoints: 4, step: 0.5 },
      { questionId: 'ex1b', label: 'b) Tableau de variations', maxPoints: 6, step: 0.5 },
    ],
  },
  { questionId: 'ex2', label: 'Exercice 2 — probabilités', maxPoints: 10, step: 0.25 },
  { questionId: 'ex3', label: 'Exercice 3 — géométrie dans l’espace', maxPoints: 20, step: 1 },
]);

export const sampleCopy = (
  pages: CorrectedCopyPdfInput['pages'],
  overrides: Partial<CorrectedCopyPdfInput> = {},
): CorrectedCopyPdfInput => ({
  exam: { title: 'Devoir surveillé n° 3', subject: 'Mathématiques', date: '2026-03-12' },
  anonymousCode: 'K7-4QX2',
  student: { lastName: 'Lefèvre', firstName: 'Zoé', className: '1reB' },
  pages,
  annotations: [],
  scale: sampleScale,
  scores: { ex1a: 3.5, ex1b: 5, ex2: 7.25, ex3: 16.75 },
  remarks: { ex1b: 'Bornes de l’intervalle oubliées « à revoir ».', ex3: 'Très bien rédigé.' },
  appreciation: 'Bon travail, soigné ; attention aux justifications. Œuvre sérieuse !',
  total: 32.5,
  max: 40,
  finalisedAt: '2026-03-20T16:45:00.000Z',
  ...overrides,
});

/**
 * `count` annotations spread over the pages, kinds mixed like a real correction (mostly pen strokes of
 * ~50 points, some highlights, boxes, ticks, crosses and comments).
 */
export const mixedAnnotations = (pageIds: readonly string[], count: number, seed = 1): Annotation[] => {
  const random = seeded(seed);
  const id = (index: number): string => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  return Array.from({ length: count }, (_, index): Annotation => {
    const base = { annotationId: id(index), pageId: pageIds[index % pageIds.length]! };
    const [x, y] = [0.1 + random() * 0.6, 0.1 + random() * 0.75];
    switch (index % 10) {
      case 0:
        return { ...base, kind: 'comment', x, y, text: 'Justifier le passage à la limite, l’argument manque.' };
      case 1:
        return { ...base, kind: 'tick', x, y };
      case 2:
        return { ...base, kind: 'cross', x, y };
      case 3:
        return { ...base, kind: 'box', x, y, w: 0.2, h: 0.06 };
      case 4:
        return { ...base, kind: 'highlighter', points: stroke(random, x, y, 12), strokeWidth: 0.02, color: '#ffeb3b' };
      default:
        return { ...base, kind: 'pen', points: stroke(random, x, y, 50), strokeWidth: 0.003, color: '#d32f2f' };
    }
  });
};

const stroke = (random: () => number, x: number, y: number, points: number): AnnotationPoint[] =>
  Array.from({ length: points }, (_, index): AnnotationPoint => [
    Math.min(1, x + index * 0.004),
    Math.min(1, Math.max(0, y + Math.sin(index / 3) * 0.01 + random() * 0.002)),
  ]);

/** mulberry32: a small seeded generator, so fixtures are the same on every run. */
const seeded = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
