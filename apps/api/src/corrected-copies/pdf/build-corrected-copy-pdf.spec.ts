import { createCanvas } from '@napi-rs/canvas';
import { type Annotation, buildGradingScale } from '#domain';
import { encodeCanvas } from '#ocr';
import { PDFDocument } from 'pdf-lib';
import { buildCorrectedCopyPdf } from './build-corrected-copy-pdf.js';
import { A4_150DPI, pageImage, sampleCopy } from './corrected-copy.fixtures.js';
import { type Rgb, everyStreamAndString, pageTexts, renderFirstPage, utf16 } from './inspect-pdf.fixtures.js';

let jpegs: Uint8Array[];
beforeAll(async () => {
  jpegs = [await pageImage(1), await pageImage(2)];
});
const twoPages = () => jpegs.map((image, index) => ({ pageId: `p${index + 1}`, image }));

describe('a corrected copy PDF', () => {
  it('has one page per scanned page, sized from the image at 150 dpi, then an A4 summary', async () => {
    const png = await blankImage(1000, 700, 'png');
    const pdf = await PDFDocument.load(await buildCorrectedCopyPdf(sampleCopy([...twoPages(), { pageId: 'p3', image: png }])));
    const sizes = pdf.getPages().map((page) => Object.values(page.getSize()).map((value) => Number(value.toFixed(2))));
    expect(sizes).toEqual([
      [(A4_150DPI.width * 72) / 150, (A4_150DPI.height * 72) / 150],
      [(A4_150DPI.width * 72) / 150, (A4_150DPI.height * 72) / 150],
      [480, 336],
      [595.28, 841.89],
    ]);
  });

  it('draws a page that has no scanned image as a blank A4 sheet that still carries its annotations', async () => {
    const built = await buildCorrectedCopyPdf(
      sampleCopy([{ pageId: 'white', image: null }, twoPages()[1]!], { annotations: sampleAnnotations('white') }),
    );
    const pdf = await PDFDocument.load(built);
    expect(pdf.getPages().map((page) => Object.values(page.getSize()).map((value) => Number(value.toFixed(2))))).toEqual([
      [595.28, 841.89],
      [(A4_150DPI.width * 72) / 150, (A4_150DPI.height * 72) / 150],
      [595.28, 841.89],
    ]);
    const pixel = await renderFirstPage(built);
    expect(redness(pixel(0.4, 0.3))).toBeGreaterThan(100); // the red pen stroke, on white
    expect(greenIn(pixel, 0.5, 0.6)).toBeGreaterThan(20); // the tick
  });

  it('gives the same bytes for the same copy, and other bytes when a score changes', async () => {
    const copy = sampleCopy(twoPages(), { annotations: sampleAnnotations('p1') });
    const [first, second] = [await buildCorrectedCopyPdf(copy), await buildCorrectedCopyPdf({ ...copy })];
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const rescored = await buildCorrectedCopyPdf({ ...copy, scores: { ...copy.scores, ex2: 7.5 }, total: 32.75 });
    expect(Buffer.from(rescored).equals(Buffer.from(first))).toBe(false);
  });

  it('carries fixed metadata: title with the anonymous code, Korrigo, the finalisation date', async () => {
    const pdf = await PDFDocument.load(await buildCorrectedCopyPdf(sampleCopy(twoPages())), { updateMetadata: false });
    expect(pdf.getTitle()).toBe('Devoir surveillé n° 3 — copie K7-4QX2');
    expect([pdf.getProducer(), pdf.getCreator(), pdf.getAuthor()]).toEqual(['Korrigo', 'Korrigo', undefined]);
    expect(pdf.getCreationDate()?.toISOString()).toBe('2026-03-20T16:45:00.000Z');
    expect(pdf.getModificationDate()?.toISOString()).toBe('2026-03-20T16:45:00.000Z');
  });

  it('sums up the scale, the remarks, the totals on the scale and on 20, and the appreciation', async () => {
    const text = await pageTexts(await buildCorrectedCopyPdf(sampleCopy(twoPages())));
    const summary = text[2]!;
    for (const expected of [
      'Devoir surveillé n° 3',
      'Matière : Mathématiques',
      'Épreuve du 12/03/2026',
      'Copie n° K7-4QX2',
      'Élève : LEFÈVRE Zoé',
      'Classe : 1reB',
      'Exercice 1 — fonctions 8,5 / 10',
      'a) Dérivée de f 3,5 / 4',
      'Exercice 2 — probabilités 7,25 / 10',
      'Remarque : Bornes de l’intervalle oubliées « à revoir ».',
      'Total 32,5 / 40',
      'Note sur 20 16,25 / 20',
      'Œuvre sérieuse !',
      'récapitulatif 1/1',
    ]) {
      expect(summary).toContain(expected);
    }
  });

  it('leaves no trace of the student in the anonymous variant, metadata and streams included', async () => {
    const named = await buildCorrectedCopyPdf(sampleCopy(twoPages()));
    const anonymous = await buildCorrectedCopyPdf(sampleCopy(twoPages(), { student: null }));
    expect((await pageTexts(named)).join(' ')).toContain('LEFÈVRE Zoé');
    const text = (await pageTexts(anonymous)).join(' ');
    const content = await everyStreamAndString(anonymous);
    for (const secret of ['Lefèvre', 'LEFÈVRE', 'Zoé', '1reB', 'Élève']) {
      expect(text).not.toContain(secret);
      expect(content).not.toContain(secret);
      expect(Buffer.from(anonymous).includes(Buffer.from(secret, 'latin1'))).toBe(false);
      expect(Buffer.from(anonymous).includes(utf16(secret))).toBe(false);
    }
    expect(text).toContain('Copie n° K7-4QX2');
  });

  it('draws each annotation as vectors where the corrector put it', async () => {
    const bytes = await buildCorrectedCopyPdf(
      sampleCopy([{ pageId: 'white', image: await blankImage(A4_150DPI.width, A4_150DPI.height, 'jpeg') }], {
        annotations: sampleAnnotations('white'),
      }),
    );
    const pixel = await renderFirstPage(bytes);
    expect(redness(pixel(0.4, 0.3))).toBeGreaterThan(100); // on the red pen stroke
    expect(redness(pixel(0.4, 0.7))).toBeLessThan(20); // its mirror image: y is not flipped twice
    expect(greenIn(pixel, 0.5, 0.6)).toBeGreaterThan(20); // the tick
    expect(redness(pixel(0.3, 0.8))).toBeGreaterThan(100); // the cross's centre
    const [r, g, b] = pixel(0.5, 0.45); // the highlighter lets the page through, yellowed
    expect([r > 200, g > 200, b < 180]).toEqual([true, true, true]);
    const [noteR, noteG, noteB] = pixel(0.97, 0.985); // a comment at the corner is pulled back inside the page
    expect([noteR > 230, noteG > 220, noteB < 230]).toEqual([true, true, true]);
    expect(redness(pixel(0.6, 0.1))).toBeLessThan(20); // the annotation on another page is not drawn here
  });

  it('replaces the characters its font lacks instead of failing', async () => {
    const odd = 'Bravo 👍🏽 👨‍👩‍👧\tœuvre « 𝔸 » \u0007 fin';
    const bytes = await buildCorrectedCopyPdf(
      sampleCopy(twoPages(), { appreciation: odd, remarks: { ex2: odd }, annotations: [comment('p1', odd)] }),
    );
    const summary = (await pageTexts(bytes))[2]!;
    expect(summary).toContain('Bravo ? ? œuvre « 𝔸 » fin');
  });

  it('flows a long scale and long remarks onto further summary pages', async () => {
    const scale = buildGradingScale(
      Array.from({ length: 40 }, (_, index) => ({
        questionId: `q${index}`,
        label: `Question ${index + 1}`,
        maxPoints: 1,
        step: 1 as const,
      })),
    );
    const remarks = Object.fromEntries(
      scale.map(({ questionId }) => [questionId, 'Raisonnement incomplet, reprendre la méthode. '.repeat(4)]),
    );
    const scores = Object.fromEntries(scale.map(({ questionId }, index) => [questionId, index % 2]));
    const bytes = await buildCorrectedCopyPdf(sampleCopy(twoPages(), { scale, remarks, scores, total: 20, max: 40 }));
    const text = await pageTexts(bytes);
    expect(text.length).toBeGreaterThanOrEqual(5);
    expect(text[2]).toContain('récapitulatif 1/');
    expect(text.at(-1)).toContain('Note sur 20 10 / 20');
    expect(text.join(' ')).toContain('Question 40 1 / 1');
  });

  it('refuses a page image that is not a readable JPEG or PNG, naming the page', async () => {
    const build = (image: Uint8Array) => buildCorrectedCopyPdf(sampleCopy([twoPages()[0]!, { pageId: 'p2', image }]));
    await expect(build(new TextEncoder().encode('%PDF-1.7 not an image'))).rejects.toThrow('Page p2 : l’image n’est ni un JPEG ni un PNG.');
    await expect(build(jpegs[1]!.slice(0, 5000))).rejects.toThrow(/Page p2 : l’image JPEG est tronquée/);
    const png = await blankImage(50, 50, 'png');
    await expect(build(Uint8Array.from([...png.slice(0, 40), ...new Uint8Array(200)]))).rejects.toThrow(
      /Page p2 : l’image PNG est illisible/,
    );
  });
});

// --- fixtures -------------------------------------------------------------------------------------

const sampleAnnotations = (pageId: string): Annotation[] => [
  {
    annotationId: 'a1',
    pageId,
    kind: 'pen',
    points: [
      [0.2, 0.3],
      [0.3, 0.301],
      [0.45, 0.299],
      [0.6, 0.3],
    ],
    strokeWidth: 0.006,
    color: '#e00000',
  },
  {
    annotationId: 'a2',
    pageId,
    kind: 'highlighter',
    points: [
      [0.3, 0.45],
      [0.7, 0.45],
    ],
    strokeWidth: 0.02,
    color: '#ffeb3b',
  },
  { annotationId: 'a3', pageId, kind: 'tick', x: 0.5, y: 0.6 },
  { annotationId: 'a4', pageId, kind: 'cross', x: 0.3, y: 0.8 },
  { annotationId: 'a5', pageId, kind: 'box', x: 0.1, y: 0.5, w: 0.2, h: 0.05 },
  comment(pageId, 'Attention : la réciproque n’est pas démontrée, revoir le cours sur les suites.'),
  {
    annotationId: 'a7',
    pageId: 'elsewhere',
    kind: 'pen',
    points: [
      [0.5, 0.1],
      [0.7, 0.1],
    ],
    strokeWidth: 0.01,
    color: '#ff0000',
  },
];

const comment = (pageId: string, text: string): Annotation => ({ annotationId: 'a6', pageId, kind: 'comment', x: 0.99, y: 0.99, text });

const blankImage = async (width: number, height: number, format: 'jpeg' | 'png'): Promise<Uint8Array> => {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  return new Uint8Array(await encodeCanvas(canvas, format, 90));
};

const redness = ([r, g, b]: Rgb): number => r - Math.max(g, b);

/** Green pixels within a mark's size around a point. */
const greenIn = (pixel: (x: number, y: number) => Rgb, x: number, y: number): number => {
  let count = 0;
  for (let dx = -0.02; dx <= 0.02; dx += 0.002) {
    for (let dy = -0.015; dy <= 0.015; dy += 0.0015) {
      const [r, g, b] = pixel(x + dx, y + dy);
      if (g - Math.max(r, b) > 40) count++;
    }
  }
  return count;
};
