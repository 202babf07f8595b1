import { randomUUID } from 'node:crypto';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { IMPORT_COPIES, SCALE, assignCopy, importCopies } from '../support/copy-fixtures.js';
import { errorCode, importRoster, ok, pronoteFile, signedInStaff } from '../support/school-fixtures.js';

type Region = { x: number; y: number; width: number; height: number };

const DEFINE = `mutation($e: ID!, $r: HeaderRegionInput!) { defineHeaderRegion(examId: $e, region: $r) { examId headerRegion { x y width height } } }`;
/** The name box of this school's sheet: top right of the first page. */
const NAME_BOX: Region = { x: 0.55, y: 0.02, width: 0.43, height: 0.2 };

/**
 * The header region of an exam (issue 4): defined by the exam office, read back on the exam, refused
 * once correctors hold copies, and painted over a corrector's first page by the authorised file route.
 */
describe('the header region of an exam', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let corrector: { client: ApiClient; userId: string };

  const newExam = async (): Promise<string> => {
    const { createExam } = ok(
      await admin.graphql<{ createExam: { examId: string } }>(
        `mutation { createExam(title: "Bac blanc de SES", subject: "SES", classNames: ["TG1"]) { examId } }`,
      ),
    );
    const examId = createExam.examId;
    ok(
      await admin.graphql(`mutation($e: ID!, $q: [GradingQuestionInput!]!) { defineGradingScale(examId: $e, questions: $q) { examId } }`, {
        e: examId,
        q: SCALE,
      }),
    );
    ok(
      await admin.graphql(`mutation($e: ID!, $ids: [ID!]!) { assignCorrectors(examId: $e, correctorIds: $ids) { examId } }`, {
        e: examId,
        ids: [corrector.userId],
      }),
    );
    return examId;
  };
  const regionOf = async (examId: string, client: ApiClient = admin): Promise<Region> =>
    ok(
      await client.graphql<{ exam: { headerRegion: Region } }>(
        `query($e: ID!) { exam(examId: $e) { headerRegion { x y width height } } }`,
        { e: examId },
      ),
    ).exam.headerRegion;
  const define = (examId: string, region: Region, client: ApiClient = admin) =>
    client.graphql<{ defineHeaderRegion: { headerRegion: Region } }>(DEFINE, { e: examId, r: region });

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    corrector = await signedInStaff(api, admin, 'TEACHER', 'le-bihan@lycee.test');
    await importRoster(admin, pronoteFile(['ABGRALL Nolwenn;03/04/2008;;TG1;']));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('is the top quarter of the first page until the exam office defines one', async () => {
    expect(await regionOf(await newExam())).toEqual({ x: 0, y: 0, width: 1, height: 0.25 });
  });

  it('is saved and read back, on the mutation’s answer and on the exam list', async () => {
    const examId = await newExam();
    const { defineHeaderRegion } = ok(await define(examId, NAME_BOX));
    expect(defineHeaderRegion.headerRegion).toEqual(NAME_BOX);
    const { exams } = ok(
      await admin.graphql<{ exams: { examId: string; headerRegion: Region }[] }>(`{ exams { examId headerRegion { x y width height } } }`),
    );
    expect(exams.find((exam) => exam.examId === examId)?.headerRegion).toEqual(NAME_BOX);
  });

  it('refuses a region outside the page or too thin, in French, and keeps the previous one', async () => {
    const examId = await newExam();
    ok(await define(examId, NAME_BOX));
    const refusals: [Region, RegExp][] = [
      [{ ...NAME_BOX, x: -0.1 }, /marge gauche doit être comprise entre 0 et 100 %/],
      [{ ...NAME_BOX, height: 1.2 }, /hauteur doit être comprise entre 0 et 100 %/],
      [{ ...NAME_BOX, width: 0.02 }, /largeur doit être d’au moins 5 %/],
      [{ ...NAME_BOX, x: 0.6 }, /dépassent ensemble le bord droit/],
      [{ x: 0, y: 0.9, width: 1, height: 0.2 }, /dépassent ensemble le bas de la page/],
    ];
    for (const [region, message] of refusals) {
      const result = await define(examId, region);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(message);
    }
    expect(await regionOf(examId)).toEqual(NAME_BOX);
  });

  it('is the exam office’s alone: a teacher is refused, and so is a caller without a session', async () => {
    const examId = await newExam();
    expect(errorCode(await define(examId, NAME_BOX, corrector.client))).toBe('FORBIDDEN');
    expect(errorCode(await define(examId, NAME_BOX, api.client()))).toBe('UNAUTHENTICATED');
    expect(await regionOf(examId)).toEqual({ x: 0, y: 0, width: 1, height: 0.25 });
  });

  it('can no longer change once the copies are dispatched, though the same region is still accepted', async () => {
    const examId = await newExam();
    ok(await define(examId, NAME_BOX));
    await importCopies(admin, examId, 2);
    ok(await admin.graphql(`mutation($e: ID!) { dispatchCopies(examId: $e) { moved } }`, { e: examId }));
    const refused = await define(examId, { x: 0, y: 0, width: 1, height: 0.3 });
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/déjà distribuées/);
    expect(ok(await define(examId, NAME_BOX)).defineHeaderRegion.headerRegion).toEqual(NAME_BOX);
    expect(await regionOf(examId)).toEqual(NAME_BOX);
  });

  describe('a corrector’s first page without a masked image of its own', () => {
    let examId: string;
    let pageId: string;
    let image: Buffer;

    beforeAll(async () => {
      examId = await newExam();
      ok(await define(examId, NAME_BOX));
      image = await namedPage();
      const key = (await api.runtime.blobs.put(image)).key;
      pageId = randomUUID();
      const {
        importCopies: [copy],
      } = ok(
        await admin.graphql<{ importCopies: { copyId: string }[] }>(IMPORT_COPIES, {
          examId,
          scanId: randomUUID(),
          copies: [{ pages: [{ pageId, number: 1, imageBlobKey: key }] }],
        }),
      );
      // Handed over by hand (copy stream only): the exam stream never hears of it.
      await assignCopy(api, copy!.copyId, corrector.userId);
    });

    it('is masked over the exam’s region, not over the default top quarter', async () => {
      const response = await fetch(`${api.base}/api/files/pages/${pageId}`, { headers: { cookie: cookieOf(corrector.client) } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      const served = Buffer.from(await response.arrayBuffer());
      expect(await darkShare(image, NAME_BOX)).toBeGreaterThan(0.2);
      expect(await darkShare(served, NAME_BOX)).toBe(0);
      // The printed title on the left of the top quarter is outside the name box: it stays.
      const title = { x: 0.05, y: 0.05, width: 0.3, height: 0.1 };
      expect(await darkShare(served, title)).toBeGreaterThan(0.5);
      expect(await darkShare(served, { x: 0.05, y: 0.5, width: 0.85, height: 0.1 })).toBeGreaterThan(0.2);
    });

    it('keeps its region: a change is refused once a corrector holds a copy, even one handed over by hand', async () => {
      const refused = await define(examId, { x: 0, y: 0, width: 1, height: 0.25 });
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(await regionOf(examId)).toEqual(NAME_BOX);
    });
  });
});

const cookieOf = (client: ApiClient): string =>
  ['korrigo_session', 'korrigo_csrf'].flatMap((name) => (client.cookie(name) ? [`${name}=${client.cookie(name)}`] : [])).join('; ');

/** An A4 page at a low resolution: a printed title top left, the student's name top right, answer lines below. */
const namedPage = async (): Promise<Buffer> => {
  const canvas = createCanvas(420, 594);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 420, 594);
  context.fillStyle = '#111111';
  context.fillRect(20, 25, 130, 65);
  context.fillRect(250, 30, 150, 60);
  for (let y = 297; y < 357; y += 12) context.fillRect(21, y, 357, 6);
  return encodeCanvas(canvas, 'webp', 90);
};

/** The share of dark pixels inside a region of the image (fractions of its size). */
const darkShare = async (image: Buffer, region: Region): Promise<number> => {
  const picture = await loadImage(image);
  const canvas = createCanvas(picture.width, picture.height);
  const context = canvas.getContext('2d');
  context.drawImage(picture, 0, 0);
  const [left, top] = [Math.ceil(region.x * picture.width), Math.ceil(region.y * picture.height)];
  const [right, bottom] = [Math.floor((region.x + region.width) * picture.width), Math.floor((region.y + region.height) * picture.height)];
  const { data } = context.getImageData(left, top, right - left, bottom - top);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 200) dark++;
  return dark / (data.length / 4);
};
