import { randomUUID } from 'node:crypto';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';
import { copyDecider, copyStreamId } from '#domain';
import { executeCommand } from '../../apps/api/src/shared/execute-command.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { IMPORT_COPIES, assignCopy, createExam, publishResults, signedInStudent } from '../support/copy-fixtures.js';
import { ok, signedInStaff } from '../support/school-fixtures.js';

/**
 * The authorised file route (DESIGN §6, §10): every role × resource, with real session cookies and
 * real images in the blob store. A page's URL comes from the GraphQL `imageUrl`, as the portal gets it.
 */
describe('page images and header crops behind authorisation', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let corrector: { client: ApiClient; userId: string };
  let otherTeacher: { client: ApiClient; userId: string };
  let owner: { client: ApiClient; studentId: string };
  let otherStudent: { client: ApiClient; studentId: string };
  let examId: string;
  const blobs = { page1: '', masked1: '', page2: '', header: '', bare: '', missing: 'f'.repeat(64) };
  const pages = { first: randomUUID(), second: randomUUID(), bareFirst: randomUUID(), lost: randomUUID() };
  let copyId = '';
  let bareCopyId = '';
  const images: Record<string, Buffer> = {};

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    corrector = await signedInStaff(api, admin, 'TEACHER', 'morvan@lycee.test');
    otherTeacher = await signedInStaff(api, admin, 'TEACHER', 'quere@lycee.test');
    owner = await signedInStudent(api, { lastName: 'Kerguelen', firstName: 'Maelys' });
    otherStudent = await signedInStudent(api, { lastName: 'Legoff', firstName: 'Titouan' });
    examId = await createExam(api, [corrector.userId, otherTeacher.userId]);

    images.page1 = await pageImage('webp', true);
    images.masked1 = await pageImage('webp', false);
    images.page2 = await pageImage('jpeg', false);
    images.header = await headerCrop();
    images.bare = await pageImage('webp', true);
    for (const name of ['page1', 'masked1', 'page2', 'header', 'bare'] as const)
      blobs[name] = (await api.runtime.blobs.put(images[name]!)).key;

    const { importCopies } = ok(
      await admin.graphql<{ importCopies: { copyId: string }[] }>(IMPORT_COPIES, {
        examId,
        scanId: randomUUID(),
        copies: [
          {
            pages: [
              { pageId: pages.first, number: 1, imageBlobKey: blobs.page1, maskedImageBlobKey: blobs.masked1 },
              { pageId: pages.second, number: 2, imageBlobKey: blobs.page2 },
            ],
          },
          // A copy whose first page has no masked image (as after a split), and a page whose blob is gone.
          {
            pages: [
              { pageId: pages.bareFirst, number: 3, imageBlobKey: blobs.bare },
              { pageId: pages.lost, number: 4, imageBlobKey: blobs.missing },
            ],
          },
        ],
      }),
    );
    [copyId, bareCopyId] = importCopies.map((copy) => copy.copyId) as [string, string];
    const system = { actorId: 'scan-pipeline', actorRole: 'system' } as const;
    const header = {
      engine: 'tesseract.js-7/fra+eng',
      text: 'KERGUELEN Maëlys',
      candidates: [],
      confidence: 0.9,
      imageBlobKey: blobs.header,
    };
    const read = await executeCommand(
      api.runtime.store,
      copyStreamId(copyId),
      copyDecider,
      { type: 'RecordHeaderRead', data: header, metadata: { ...system, now: new Date().toISOString() } },
      system,
    );
    await api.runner.waitFor(read.position!, ['copies'], 5000);
    ok(
      await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, {
        c: copyId,
        s: owner.studentId,
      }),
    );
    await assignCopy(api, copyId, corrector.userId);
    await assignCopy(api, bareCopyId, corrector.userId);
  });
  afterAll(async () => {
    await api?.close();
  });

  const get = (client: ApiClient | null, url: string, headers: Record<string, string> = {}) =>
    fetch(`${api.base}${url}`, { headers: { ...headers, ...(client ? { cookie: cookieOf(client) } : {}) } });
  const pageUrl = (pageId: string) => `/api/files/pages/${pageId}`;
  const headerUrl = (id: string) => `/api/files/copies/${id}/header`;
  const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { error: string }).error).toBe(code);
  };

  describe('an admin', () => {
    it('gets any page unmasked, with private, unsniffable, tagged headers', async () => {
      const response = await get(admin, pageUrl(pages.first));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      expect(response.headers.get('content-length')).toBe(String(images.page1!.length));
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('etag')).toBe(`"${blobs.page1}"`);
      expect((await bytes(response)).equals(images.page1!)).toBe(true);
    });

    it('gets a JPEG page with its own type', async () => {
      const response = await get(admin, pageUrl(pages.second));
      expect(response.headers.get('content-type')).toBe('image/jpeg');
      expect((await bytes(response)).equals(images.page2!)).toBe(true);
    });

    it('is answered 304 without a body when the image did not change', async () => {
      const response = await get(admin, pageUrl(pages.first), { 'if-none-match': `"${blobs.page1}"` });
      expect(response.status).toBe(304);
      expect(response.headers.get('etag')).toBe(`"${blobs.page1}"`);
      expect((await bytes(response)).length).toBe(0);
    });

    it('gets the header crop of the copy’s latest reading', async () => {
      const response = await get(admin, headerUrl(copyId));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect((await bytes(response)).equals(images.header!)).toBe(true);
    });

    it('gets a JSON 404 for an unknown page, a copy never read and a blob that is gone', async () => {
      await expectError(await get(admin, pageUrl(randomUUID())), 404, 'NOT_FOUND');
      await expectError(await get(admin, headerUrl(bareCopyId)), 404, 'NOT_FOUND');
      await expectError(await get(admin, headerUrl('not-a-copy')), 404, 'NOT_FOUND');
      await expectError(await get(admin, pageUrl(pages.lost)), 404, 'NOT_FOUND');
    });
  });

  describe('the assigned corrector', () => {
    it('gets the first page masked and the others as they are', async () => {
      const first = await get(corrector.client, pageUrl(pages.first));
      expect(first.headers.get('etag')).toBe(`"${blobs.masked1}"`);
      expect((await bytes(first)).equals(images.masked1!)).toBe(true);
      const second = await get(corrector.client, pageUrl(pages.second));
      expect((await bytes(second)).equals(images.page2!)).toBe(true);
    });

    it('gets a first page without a masked image masked by the server, never the name', async () => {
      const response = await get(corrector.client, pageUrl(pages.bareFirst));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      expect(response.headers.get('etag')).toBe(`"${blobs.bare}.masked"`);
      const served = await bytes(response);
      expect(served.equals(images.bare!)).toBe(false);
      expect(await darkShare(served, 0.02, 0.2)).toBe(0);
      expect(await darkShare(images.bare!, 0.02, 0.2)).toBeGreaterThan(0.05);
      // The answer below the header is left alone.
      expect(await darkShare(served, 0.5, 0.6)).toBeGreaterThan(0.05);
    });

    it('is refused the header crop', async () => {
      await expectError(await get(corrector.client, headerUrl(copyId)), 403, 'FORBIDDEN');
    });

    it('finds the page URLs in the copy it corrects, and they work', async () => {
      const { copy } = ok(
        await corrector.client.graphql<{ copy: { pages: { pageId: string; imageUrl: string | null }[] } }>(
          `query($c: ID!) { copy(copyId: $c) { pages { pageId imageUrl } } }`,
          { c: copyId },
        ),
      );
      expect(copy.pages.map((page) => page.imageUrl)).toEqual([pageUrl(pages.first), pageUrl(pages.second)]);
      expect((await get(corrector.client, copy.pages[0]!.imageUrl!)).status).toBe(200);
    });
  });

  describe('a teacher who does not correct the copy', () => {
    it('gets 404 for its pages, as if they did not exist', async () => {
      await expectError(await get(otherTeacher.client, pageUrl(pages.first)), 404, 'NOT_FOUND');
      await expectError(await get(otherTeacher.client, pageUrl(pages.second)), 404, 'NOT_FOUND');
    });
  });

  describe('students', () => {
    it('see nothing of their own copy before the results are published', async () => {
      await expectError(await get(owner.client, pageUrl(pages.first)), 404, 'NOT_FOUND');
    });

    it('see their own copy unmasked once published, and never another’s or a header crop', async () => {
      await publishResults(api, examId);
      const own = await get(owner.client, pageUrl(pages.first));
      expect(own.status).toBe(200);
      expect((await bytes(own)).equals(images.page1!)).toBe(true);
      await expectError(await get(otherStudent.client, pageUrl(pages.first)), 404, 'NOT_FOUND');
      await expectError(await get(owner.client, pageUrl(pages.bareFirst)), 404, 'NOT_FOUND');
      await expectError(await get(owner.client, headerUrl(copyId)), 403, 'FORBIDDEN');
    });
  });

  describe('without a session', () => {
    it('is answered 401 on every route, and a forged cookie is no session', async () => {
      await expectError(await get(null, pageUrl(pages.first)), 401, 'UNAUTHENTICATED');
      await expectError(await get(null, headerUrl(copyId)), 401, 'UNAUTHENTICATED');
      const forged = await fetch(`${api.base}${pageUrl(pages.first)}`, { headers: { cookie: 'korrigo_session=forged' } });
      await expectError(forged, 401, 'UNAUTHENTICATED');
    });
  });
});

const cookieOf = (client: ApiClient): string =>
  ['korrigo_session', 'korrigo_csrf'].flatMap((name) => (client.cookie(name) ? [`${name}=${client.cookie(name)}`] : [])).join('; ');

/** An A4 page at a low resolution: a dark name band in the header (unless masked) and dark answer lines below. */
const pageImage = async (format: 'webp' | 'jpeg', withName: boolean): Promise<Buffer> => {
  const canvas = createCanvas(420, 594);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 420, 594);
  context.fillStyle = '#111111';
  if (withName) context.fillRect(30, 30, 300, 60);
  for (let y = 300; y < 360; y += 12) context.fillRect(30, y, 360, 6);
  return encodeCanvas(canvas, format, 90);
};

const headerCrop = async (): Promise<Buffer> => {
  const canvas = createCanvas(420, 148);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 420, 148);
  context.fillStyle = '#000000';
  context.fillRect(30, 30, 300, 60);
  return encodeCanvas(canvas, 'png');
};

/** The share of dark pixels in a horizontal band of the image, between two fractions of its height. */
const darkShare = async (image: Buffer, from: number, to: number): Promise<number> => {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  const top = Math.floor(from * picture.height);
  const { data } = context.getImageData(0, top, picture.width, Math.floor(to * picture.height) - top);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 200) dark++;
  return dark / (data.length / 4);
};
