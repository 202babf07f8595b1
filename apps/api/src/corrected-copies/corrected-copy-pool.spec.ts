import { CorrectedCopyPool } from './corrected-copy-pool.js';
import { CorrectedCopyPdfError, buildCorrectedCopyPdf } from './pdf/build-corrected-copy-pdf.js';
import { mixedAnnotations, pageImage, sampleCopy } from './pdf/corrected-copy.fixtures.js';

/** The corrected-copy PDFs as the API builds them: in a worker thread, with the builder's bytes and errors. */
describe('the corrected-copy PDF pool', () => {
  let pool: CorrectedCopyPool;
  let images: Uint8Array[];
  beforeAll(async () => {
    pool = new CorrectedCopyPool({ size: 1 });
    images = [await pageImage(1), await pageImage(2), await pageImage(3)];
  });
  afterAll(async () => {
    await pool.close();
  });

  /** Fresh copies of the images each time: the pool moves them to its worker. */
  const copy = () =>
    sampleCopy(
      images.map((image, index) => ({ pageId: `p${index + 1}`, image: image.slice() })),
      { annotations: mixedAnnotations(['p1', 'p2', 'p3'], 60, 7) },
    );

  it('builds the very bytes the builder makes on this thread, both variants', async () => {
    for (const input of [copy(), { ...copy(), student: null }]) {
      const direct = await buildCorrectedCopyPdf(input);
      const pooled = await pool.build(input);
      expect(Buffer.from(pooled).equals(Buffer.from(direct))).toBe(true);
    }
  });

  it('moves the page images to the worker rather than copying them', async () => {
    const input = copy();
    const sizes = input.pages.map(({ image }) => image!.byteLength);
    expect(sizes.every((size) => size > 0)).toBe(true);
    await pool.build(input);
    expect(input.pages.map(({ image }) => image!.byteLength)).toEqual([0, 0, 0]);
  });

  it('builds copies handed in together, each its own PDF', async () => {
    const inputs = [copy(), { ...copy(), anonymousCode: 'K7-ZZ99' }, { ...copy(), student: null }];
    const expected = await Promise.all(inputs.map(async (input) => Buffer.from(await buildCorrectedCopyPdf(input))));
    const pooled = await Promise.all(inputs.map((input) => pool.build(input)));
    expect(pooled.map((pdf, index) => Buffer.from(pdf).equals(expected[index]!))).toEqual([true, true, true]);
  });

  it('refuses a copy with an unreadable page as the builder does, naming the page', async () => {
    const input = copy();
    const broken = { ...input, pages: [input.pages[0]!, { pageId: 'p2', image: new TextEncoder().encode('not an image') }] };
    const error = await pool.build(broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorrectedCopyPdfError);
    expect(error).toMatchObject({ pageId: 'p2', message: expect.stringMatching(/^Page p2 : l’image n’est ni un JPEG ni un PNG/) });
    expect(
      Buffer.from(await pool.build(copy()))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('stops a build past its time budget and carries on with a new worker', async () => {
    const hasty = new CorrectedCopyPool({ size: 1, timeoutMs: 1 });
    try {
      await expect(hasty.build(copy())).rejects.toThrow(/not built within 0.001 s: the worker was stopped/);
      // The next copy gets a new worker: it too is stopped, rather than waiting on the one killed.
      await expect(hasty.build(copy())).rejects.toThrow(/not built within/);
    } finally {
      await hasty.close();
    }
    await expect(hasty.build(copy())).rejects.toThrow(/pool closed/);
  });
});
