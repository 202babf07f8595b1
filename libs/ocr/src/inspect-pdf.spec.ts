import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Canvas, createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFDocument, degrees } from 'pdf-lib';
import { type HostilePdf, hostilePdfs } from '../../../tests/fixtures/hostile-pdfs.js';
import { inspectPdf } from './inspect-pdf.js';
import { ScanRejectedError } from './pdf-limits.js';
import { RenderPool, type RenderedPage, headerRegion } from './render-pool.js';
import { BLANK_PAGE_INK, EMPTY_HEADER_INK } from './split-copies.js';
import { encodeCanvas } from './encode-canvas.js';

/*
 * Real files through the real inspector and render workers (pdf.js, @napi-rs/canvas): every hostile
 * upload gets its coded, French refusal at the stage that can see it, and a copier-style scan comes
 * out as page images of the right size with believable ink measures.
 */

const A4 = [595.28, 841.89] as const;
// Written before any test is collected: Jest may start concurrent tests before beforeAll hooks.
const fixtures = await hostilePdfs();
const dir = await mkdtemp(path.join(tmpdir(), 'korrigo-inspect-'));
const fileOf = (name: string): string => path.join(dir, `${name}.pdf`);
await Promise.all(fixtures.map((fixture) => writeFile(fileOf(fixture.name), fixture.bytes)));
await writeFile(fileOf('scan'), await scanPdf());
afterAll(() => rm(dir, { recursive: true, force: true }));

const refusalOf = async (work: Promise<unknown>): Promise<ScanRejectedError> => {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ScanRejectedError)) throw new Error(`expected a ScanRejectedError, got ${String(error)}`);
  return error;
};

const expectFrench = (reason: string): void => {
  expect(reason).toMatch(/^[A-ZÉ][^\n]+[.]$/);
  expect(reason).toMatch(/\b(le|la|les|du|des|de|est|trop|fichier|page|pages)\b/i);
};

describe('a hostile upload', () => {
  it('comes in at least 30 kinds', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    expect(new Set(fixtures.map((fixture) => fixture.name)).size).toBe(fixtures.length);
  });

  const caughtByInspection = fixtures.filter((fixture) => fixture.stage === 'inspect');
  it.concurrent.each(caughtByInspection.map((fixture): [string, string, HostilePdf] => [fixture.name, fixture.expected, fixture]))(
    '%s is refused by the inspection with %s and a reason in French',
    async (_name, _code, fixture) => {
      const refusal = await refusalOf(inspectPdf(fileOf(fixture.name), fixture.limits));
      expect(refusal.code).toBe(fixture.expected);
      expectFrench(refusal.reason);
    },
  );

  const caughtByRendering = fixtures.filter((fixture) => fixture.stage === 'render');
  it.each(caughtByRendering.map((fixture): [string, string, HostilePdf] => [fixture.name, fixture.expected, fixture]))(
    '%s passes the inspection, then its page is refused by the renderer with %s',
    async (_name, _code, fixture) => {
      await inspectPdf(fileOf(fixture.name), fixture.limits);
      const pool = new RenderPool({ size: 1, limits: fixture.limits });
      try {
        const refusal = await refusalOf(pool.renderPages(fileOf(fixture.name)));
        expect(refusal.code).toBe(fixture.expected);
        expect(refusal.page).toBe(fixture.page);
        expectFrench(refusal.reason);
        expect(refusal.reason).toContain(`page ${fixture.page}`);
      } finally {
        await pool.close();
      }
    },
  );
});

describe('a copier-style scan', () => {
  let pool: RenderPool;
  beforeAll(() => (pool = new RenderPool({ size: 2, viewFormat: 'jpeg' })));
  afterAll(() => pool.close());

  it('is inspected: page count and A4 sizes in millimetres', async () => {
    const inspection = await inspectPdf(fileOf('scan'));
    expect(inspection.pageCount).toBe(4);
    expect(inspection.pages.map((page) => page.number)).toEqual([1, 2, 3, 4]);
    expect(inspection.pages[0]).toEqual({ number: 1, widthMm: 210, heightMm: 297 });
    expect(inspection.pages[3]).toEqual({ number: 4, widthMm: 297, heightMm: 210 }); // turned a quarter
  });

  it('renders every page at 150 dpi, reporting each as it finishes', async () => {
    const reported: number[] = [];
    const pages = await pool.renderPages(fileOf('scan'), { onPage: (page) => void reported.push(page.number) });
    expect(pages.map((page) => page.number)).toEqual([1, 2, 3, 4]);
    expect([...reported].sort()).toEqual([1, 2, 3, 4]);
    for (const page of pages.slice(0, 3)) expect([page.image.width, page.image.height]).toEqual([1240, 1754]);
    expect([pages[3]!.image.width, pages[3]!.image.height]).toEqual([1754, 1240]);
    const decoded = await loadImage(pages[0]!.image.bytes);
    expect([decoded.width, decoded.height, pages[0]!.image.mime]).toEqual([1240, 1754, 'image/jpeg']);
  });

  it('measures ink: none on the blank page, some on written pages, and a header on the first', async () => {
    const [first, blank, written] = await pool.renderPages(fileOf('scan'), { pages: [1, 2, 3] });
    expect(blank!.inkRatio).toBeLessThan(BLANK_PAGE_INK);
    expect(written!.inkRatio).toBeGreaterThan(0.01);
    expect(first!.inkRatio).toBeGreaterThan(0.01);
    expect(first!.headerInkRatio).toBeGreaterThan(EMPTY_HEADER_INK);
    expect(written!.headerInkRatio).toBeLessThan(EMPTY_HEADER_INK);
  });

  it('masks the header of the pages that may start a copy, and cuts it out for OCR, from the same pixels', async () => {
    const region = { x: 0, y: 0, width: 1, height: 0.25 };
    const [first, second] = await pool.renderPages(fileOf('scan'), { pages: [1, 2], masked: { region, pages: [1] } });
    expect(second!.maskedImage).toBeUndefined();
    const crop = await loadImage(first!.headerCrop!);
    expect([crop.width, crop.height]).toEqual([1240, Math.ceil(0.25 * 1754)]);
    const masked = await loadImage(first!.maskedImage!);
    expect([masked.width, masked.height]).toEqual([1240, 1754]);
    const canvas = createCanvas(masked.width, masked.height);
    canvas.getContext('2d').drawImage(masked, 0, 0);
    const header = canvas.getContext('2d').getImageData(0, 0, 1240, 438).data;
    expect(header.every((value) => value > 240)).toBe(true);
    const cropCanvas = createCanvas(crop.width, crop.height);
    cropCanvas.getContext('2d').drawImage(crop, 0, 0);
    expect(
      cropCanvas
        .getContext('2d')
        .getImageData(0, 0, crop.width, crop.height)
        .data.some((value) => value < 128),
    ).toBe(true);
  });
  it('draws the same pixels through the JPEG fast path as through pdf.js, rotated page included', async () => {
    const slow = new RenderPool({ size: 1, fastPath: false, viewFormat: 'jpeg' });
    try {
      const pages = [1, 4];
      const [fast, reference] = await Promise.all([
        pool.renderPages(fileOf('scan'), { pages }),
        slow.renderPages(fileOf('scan'), { pages }),
      ]);
      for (const [i, page] of fast.entries()) {
        expect(await meanDifference(page, reference[i]!)).toBeLessThan(6);
        expect(Math.abs(page.inkRatio - reference[i]!.inkRatio)).toBeLessThan(0.01);
      }
    } finally {
      await slow.close();
    }
  });

  it('renders the header band alone at 300 dpi for OCR', async () => {
    const crops = await pool.renderRegions(fileOf('scan'), [
      { page: 1, region: headerRegion },
      { page: 3, region: { x: 0.5, y: 0.5, width: 0.5, height: 0.5 } },
    ]);
    expect(crops.map((crop) => [crop.number, crop.width, crop.height])).toEqual([
      [1, 2480, 877],
      [3, 1240, 1754],
    ]);
    expect(crops[0]!.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const header = await loadImage(crops[0]!.bytes);
    expect([header.width, header.height]).toEqual([2480, 877]);
  });

  it('keeps working after a page timed out in it', async () => {
    const strict = new RenderPool({ size: 1, limits: { renderTimeoutMs: 1000 } });
    try {
      const refusal = await refusalOf(strict.renderPages(fileOf('slow-content')));
      expect([refusal.code, refusal.page]).toEqual(['RENDER_TIMEOUT', 2]);
      const pages = await strict.renderPages(fileOf('scan'), { pages: [1, 3] });
      expect(pages.map((page) => page.number)).toEqual([1, 3]);
    } finally {
      await strict.close();
    }
  });

  it('stops when its caller aborts, and renders the next file', async () => {
    const controller = new AbortController();
    const rendering = pool.renderPages(fileOf('scan'), { signal: controller.signal });
    controller.abort(new Error('upload cancelled'));
    await expect(rendering).rejects.toThrow('upload cancelled');
    expect(await pool.renderPages(fileOf('scan'), { pages: [2] })).toHaveLength(1);
  });

  it('fails when the caller cannot take a page, rather than lose it', async () => {
    const onPage = (): Promise<void> => Promise.reject(new Error('blob store unavailable'));
    await expect(pool.renderPages(fileOf('scan'), { pages: [1, 2], onPage })).rejects.toThrow('blob store unavailable');
  });

  it('writes no temporary file while inspecting and rendering', async () => {
    const scratch = await mkdtemp(path.join(dir, 'tmp-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = scratch; // workers copy the environment when they start, below
    const fresh = new RenderPool({ size: 1 });
    try {
      await inspectPdf(fileOf('scan'));
      await fresh.renderPages(fileOf('scan'), { pages: [1] });
      await fresh.renderRegions(fileOf('scan'), [{ page: 1, region: headerRegion }]);
    } finally {
      process.env.TMPDIR = previous;
      await fresh.close();
    }
    expect(await readdir(scratch)).toEqual([]);
  });

  it('refuses a page number the file does not have', async () => {
    await expect(pool.renderPages(fileOf('scan'), { pages: [9] })).rejects.toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Fixture builders.
// ---------------------------------------------------------------------------------------------

/** Four A4 pages, one JPEG each like a copier (100 dpi keeps it quick): a first page, a blank page, a written page, a turned page. */
async function scanPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const sheets: ((canvas: Canvas) => void)[] = [
    (canvas) => (writeHeader(canvas), writeLines(canvas, 0.35)),
    () => undefined,
    (canvas) => writeLines(canvas, 0.3),
    (canvas) => (writeHeader(canvas), writeLines(canvas, 0.5)),
  ];
  for (const [i, draw] of sheets.entries()) {
    const canvas = createCanvas(827, 1169);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#f6f5f1';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    draw(canvas);
    const image = await doc.embedJpg(await encodeCanvas(canvas, 'jpeg', 85));
    const page = doc.addPage([A4[0], A4[1]]);
    page.drawImage(image, { x: 0, y: 0, width: A4[0], height: A4[1] });
    if (i === 3) page.setRotation(degrees(90));
  }
  return Buffer.from(await doc.save());
}

function writeHeader(canvas: Canvas): void {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#111';
  ctx.font = '28px sans-serif';
  ctx.fillText('Nom : DUPONT     Prénom : Jeanne', 60, 90);
  ctx.fillText('Classe : 1reB    Né(e) le : 12/03/2008', 60, 140);
  ctx.strokeRect(40, 40, canvas.width - 80, 140);
}

function writeLines(canvas: Canvas, from: number): void {
  const ctx = canvas.getContext('2d');
  ctx.strokeStyle = '#1d2b6b';
  ctx.lineWidth = 2;
  for (let y = canvas.height * from; y < canvas.height * 0.92; y += 34) {
    ctx.beginPath();
    for (let x = 70; x < canvas.width - 70; x += 9) ctx.lineTo(x, y + Math.sin(x / 7 + y) * 6);
    ctx.stroke();
  }
}

/** Mean absolute difference per channel (0–255) of two rendered pages' view images. */
async function meanDifference(a: RenderedPage, b: RenderedPage): Promise<number> {
  expect([a.image.width, a.image.height]).toEqual([b.image.width, b.image.height]);
  const [pa, pb] = await Promise.all([pixels(a), pixels(b)]);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) if (i % 4 !== 3) sum += Math.abs(pa[i]! - pb[i]!);
  return sum / ((pa.length / 4) * 3);
}

async function pixels(page: RenderedPage): Promise<Uint8ClampedArray> {
  const image = await loadImage(page.image.bytes);
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext('2d').drawImage(image, 0, 0);
  return canvas.getContext('2d').getImageData(0, 0, image.width, image.height).data;
}
