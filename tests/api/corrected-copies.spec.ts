import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unzipSync } from 'fflate';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type CorrectedCopyRendered, copyStreamId } from '#domain';
import { CorrectedCopyProcessor } from '../../apps/api/src/corrected-copies/corrected-copy.processor.js';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import {
  IMPORT_COPIES,
  addAnnotation,
  assignCopy,
  awardScore,
  createExam,
  finalizeCopy,
  lockCopy,
  publishResults,
  signedInStudent,
  tick,
} from '../support/copy-fixtures.js';
import { ok, signedInStaff } from '../support/school-fixtures.js';
import { type CorrectedPdfState, adminCorrectedPdf, getFile, pageImage, readyCorrectedPdf, sha256 } from '../support/file-fixtures.js';

/**
 * Corrected-copy PDFs end to end (issue 6): a finalisation makes the processor build both variants
 * from real page images, the file route serves each role its variant (or nothing), every download is
 * on the record, the exam office gets a class ZIP, and a reopen makes a new PDF.
 */
describe('corrected-copy PDFs', () => {
  let api: ApiHarness;
  let admin: ApiClient;
  let corrector: { client: ApiClient; userId: string };
  let otherTeacher: { client: ApiClient; userId: string };
  let owner: { client: ApiClient; studentId: string };
  let otherStudent: { client: ApiClient; studentId: string };
  let examId: string;
  /** named: identified as the owner; anonymous: never identified; unfinished: never finalised; broken: a page image is gone. */
  const copies = {
    named: { id: '', code: '' },
    anonymous: { id: '', code: '' },
    unfinished: { id: '', code: '' },
    broken: { id: '', code: '' },
  };
  let downloads = 0;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.admin();
    corrector = await signedInStaff(api, admin, 'TEACHER', 'morvan@lycee.test');
    otherTeacher = await signedInStaff(api, admin, 'TEACHER', 'quere@lycee.test');
    owner = await signedInStudent(api, { lastName: 'Kerguelen', firstName: 'Maëlys' });
    otherStudent = await signedInStudent(api, { lastName: 'Legoff', firstName: 'Titouan' });
    examId = await createExam(api, [corrector.userId, otherTeacher.userId]);
    const key = async (image: Buffer) => (await api.runtime.blobs.put(image)).key;
    const page = async (number: number, withMasked: boolean) => ({
      pageId: randomUUID(),
      number,
      imageBlobKey: await key(await pageImage(number, true)),
      ...(withMasked ? { maskedImageBlobKey: await key(await pageImage(number, false)) } : {}),
    });
    const { importCopies } = ok(
      await admin.graphql<{ importCopies: { copyId: string; anonymousCode: string }[] }>(IMPORT_COPIES, {
        examId,
        scanId: randomUUID(),
        copies: [
          { pages: [await page(1, true), await page(2, false)] },
          { pages: [await page(3, false)] },
          { pages: [await page(4, true)] },
          { pages: [{ pageId: randomUUID(), number: 5, imageBlobKey: 'f'.repeat(64) }] },
        ],
      }),
    );
    [copies.named, copies.anonymous, copies.unfinished, copies.broken] = importCopies.map((copy) => ({
      id: copy.copyId,
      code: copy.anonymousCode,
    })) as [typeof copies.named, typeof copies.named, typeof copies.named, typeof copies.named];
    ok(
      await admin.graphql(`mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`, {
        c: copies.named.id,
        s: owner.studentId,
      }),
    );
    for (const copy of Object.values(copies)) await assignCopy(api, copy.id, corrector.userId);
    await correct(copies.named.id, { q1a: 3, q1b: 4.5, q2: 7 });
    await correct(copies.anonymous.id, { q1a: 4, q1b: 6, q2: 10 });
    await correct(copies.broken.id, { q1a: 1, q1b: 1, q2: 1 }, false);
  });
  afterAll(async () => {
    await api?.close();
  });

  const correct = async (copyId: string, scores: Record<string, number>, annotate = true) => {
    ok(await lockCopy(corrector.client, copyId));
    if (annotate) ok(await addAnnotation(corrector.client, copyId, tick(await firstPageId(copyId))));
    for (const [questionId, points] of Object.entries(scores)) ok(await awardScore(corrector.client, copyId, questionId, points));
    ok(await finalizeCopy(corrector.client, copyId));
  };
  const firstPageId = async (copyId: string) =>
    ok(
      await admin.graphql<{ adminCopy: { pages: { pageId: string }[] } }>(`query($c: ID!) { adminCopy(copyId: $c) { pages { pageId } } }`, {
        c: copyId,
      }),
    ).adminCopy.pages[0]!.pageId;

  type PdfState = CorrectedPdfState;
  const adminPdf = (copyId: string): Promise<PdfState> => adminCorrectedPdf(admin, copyId);
  const readyPdf = (copyId: string, previous: string | null = null) => readyCorrectedPdf(admin, copyId, previous);
  const renderedEvents = async (copyId: string) =>
    (await api.runtime.store.readStream(copyStreamId(copyId)))
      .filter((event) => event.type === 'CorrectedCopyRendered')
      .map((event) => event.data as CorrectedCopyRendered['data']);

  const url = (copyId: string) => `/api/files/copies/${copyId}/corrected.pdf`;
  const get = (client: ApiClient | null, target: string) => getFile(api.base, client, target);
  const download = async (client: ApiClient, copyId: string) => {
    const response = await get(client, url(copyId));
    expect(response.status).toBe(200);
    downloads++;
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  };
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toBe(code);
  };

  describe('once a copy is finalised', () => {
    it('builds its PDF within seconds and records the hash of the stored bytes', async () => {
      const state = await readyPdf(copies.named.id);
      const [rendered] = await renderedEvents(copies.named.id);
      expect(rendered?.named?.sha256).toBe(state.sha256);
      expect(state.bytes).toBe(rendered?.named?.bytes);
      expect(state.url).toBe(url(copies.named.id));
      for (const file of [rendered!.anonymous, rendered!.named!]) {
        const blob = await api.runtime.blobs.get(file.pdfBlobKey);
        const parts: Buffer[] = [];
        for await (const part of blob!.stream) parts.push(part as Buffer);
        const stored = Buffer.concat(parts);
        expect(sha256(stored)).toBe(file.sha256);
        expect(stored.length).toBe(file.bytes);
      }
    });

    it('builds an unidentified copy’s anonymous variant only', async () => {
      await readyPdf(copies.anonymous.id);
      const [rendered] = await renderedEvents(copies.anonymous.id);
      expect(rendered?.named).toBeNull();
    });

    it('builds the same bytes again from the same events', async () => {
      const processor = api.app.get(CorrectedCopyProcessor, { strict: false });
      const again = await processor.build(copies.named.id, true);
      const [rendered] = await renderedEvents(copies.named.id);
      expect(sha256(again!.anonymous)).toBe(rendered!.anonymous.sha256);
      expect(sha256(again!.named!)).toBe(rendered!.named!.sha256);
    });
  });

  describe('the exam office', () => {
    it('downloads the named variant as an attachment with a safe name, never cached nor sniffed', async () => {
      const { response, bytes } = await download(admin, copies.named.id);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const disposition = response.headers.get('content-disposition') ?? '';
      expect(disposition).toContain(`filename="TG1_KERGUELEN_Maelys_${copies.named.code}.pdf"`);
      expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`TG1_KERGUELEN_Maëlys_${copies.named.code}.pdf`)}`);
      expect(sha256(bytes)).toBe((await adminPdf(copies.named.id))?.sha256);
      expect((await pdfText(bytes)).join(' ')).toMatch(/Kerguelen/i);
    });

    it('downloads the anonymous variant of a copy nobody is identified on', async () => {
      const { response, bytes } = await download(admin, copies.anonymous.id);
      expect(response.headers.get('content-disposition')).toContain(`copie_${copies.anonymous.code}.pdf`);
      expect(sha256(bytes)).toBe((await renderedEvents(copies.anonymous.id))[0]!.anonymous.sha256);
    });

    it('is told a PDF that cannot be built (yet) is in preparation', async () => {
      await readyPdf(copies.anonymous.id); // the processor went through the copies finalised before it
      expect(await adminPdf(copies.broken.id)).toEqual({ ready: false, sha256: null, bytes: null, url: null });
      const response = await get(admin, url(copies.broken.id));
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({ error: 'CONFLICT', message: expect.stringMatching(/en préparation/) });
      expect(await renderedEvents(copies.broken.id)).toEqual([]);
    });

    it('is told a copy not finalised has no corrected PDF', async () =>
      expectError(await get(admin, url(copies.unfinished.id)), 404, 'NOT_FOUND'));
  });

  describe('the corrector', () => {
    it('downloads the anonymous variant: the anonymous code, never the student’s name', async () => {
      const { bytes } = await download(corrector.client, copies.named.id);
      const [rendered] = await renderedEvents(copies.named.id);
      expect(sha256(bytes)).toBe(rendered!.anonymous.sha256);
      const text = (await pdfText(bytes)).join(' ');
      expect(text).toContain(copies.named.code);
      expect(text).not.toMatch(/Kerguelen|Maëlys|Maelys/i);
    });

    it('sees the anonymous variant’s state on its copy', async () => {
      const { copy } = ok(
        await corrector.client.graphql<{ copy: { correctedPdf: PdfState } }>(
          `query($c: ID!) { copy(copyId: $c) { correctedPdf { ready sha256 } } }`,
          {
            c: copies.named.id,
          },
        ),
      );
      expect(copy.correctedPdf).toEqual({ ready: true, sha256: (await renderedEvents(copies.named.id))[0]!.anonymous.sha256 });
    });
  });

  describe('anyone else', () => {
    it('is answered 404 like an unknown copy, and 401 without a session', async () => {
      await expectError(await get(otherTeacher.client, url(copies.named.id)), 404, 'NOT_FOUND');
      await expectError(await get(otherStudent.client, url(copies.named.id)), 404, 'NOT_FOUND');
      await expectError(await get(admin, url(randomUUID())), 404, 'NOT_FOUND');
      await expectError(await get(admin, url('not-a-copy')), 404, 'NOT_FOUND');
      await expectError(await get(null, url(copies.named.id)), 401, 'UNAUTHENTICATED');
    });
  });

  describe('the student', () => {
    it('gets nothing before the results are published, then the named variant', async () => {
      await expectError(await get(owner.client, url(copies.named.id)), 404, 'NOT_FOUND');
      await publishResults(api, examId);
      const { myResults } = ok(
        await owner.client.graphql<{ myResults: { copyId: string; correctedPdf: PdfState }[] }>(
          `{ myResults { copyId correctedPdf { ready sha256 url } } }`,
        ),
      );
      const named = (await renderedEvents(copies.named.id))[0]!.named!;
      expect(myResults).toEqual([
        { copyId: copies.named.id, correctedPdf: { ready: true, sha256: named.sha256, url: url(copies.named.id) } },
      ]);
      const { bytes } = await download(owner.client, copies.named.id);
      expect(sha256(bytes)).toBe(named.sha256);
      await expectError(await get(owner.client, url(copies.anonymous.id)), 404, 'NOT_FOUND');
    });
  });

  describe('every download', () => {
    it('is on the record with its variant, hash and role, off the copy’s own stream', async () => {
      const recorded = await Promise.all(
        Object.values(copies).map((copy) => api.runtime.store.readStream(`copyfile-${copy.id}`).catch(() => [])),
      );
      const events = recorded.flat().map((event) => event.data as { variant: string; role: string; sha256: string });
      expect(events).toHaveLength(downloads);
      expect(events.map((event) => `${event.role}:${event.variant}`).sort()).toEqual(
        ['admin:anonymous', 'admin:named', 'student:named', 'teacher:anonymous'].sort(),
      );
      expect(events.every((event) => /^[0-9a-f]{64}$/.test(event.sha256))).toBe(true);
      // The audit log indexes them as the projection catches up with the store.
      let indexed = 0;
      for (let attempt = 0; attempt < 100 && indexed < downloads; attempt++) {
        const { rows } = await api.runtime.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM audit_log WHERE type = 'CorrectedCopyDownloaded'`,
        );
        indexed = Number(rows[0]!.n);
        if (indexed < downloads) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(indexed).toBe(downloads);
    });
  });

  describe('the class ZIP', () => {
    const zipUrl = () => `/api/files/exams/${examId}/corrected.zip`;

    it('holds every corrected PDF under a sortable, safe name and lists the copies without one', async () => {
      const response = await get(admin, zipUrl());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/zip');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      const zip = Buffer.from(await response.arrayBuffer());
      const entries = unzipSync(zip);
      expect(Object.keys(entries)).toEqual([
        `TG1_KERGUELEN_Maëlys_${copies.named.code}.pdf`,
        `copie_${copies.anonymous.code}.pdf`,
        'LISEZMOI.txt',
      ]);
      expect(sha256(entries[`TG1_KERGUELEN_Maëlys_${copies.named.code}.pdf`]!)).toBe(
        (await renderedEvents(copies.named.id))[0]!.named!.sha256,
      );
      const readme = new TextDecoder().decode(entries['LISEZMOI.txt']);
      expect(readme).toContain(`${copies.unfinished.code} : copie pas encore finalisée`);
      expect(readme).toContain(`${copies.broken.code} : PDF en préparation`);
      const again = Buffer.from(await (await get(admin, zipUrl())).arrayBuffer());
      expect(sha256(again)).toBe(sha256(zip));
      const audited = await api.runtime.store.readStream(`examfile-${examId}`);
      expect(audited.map((event) => [event.type, (event.data as { sha256: string }).sha256])).toEqual([
        ['CorrectedCopiesArchiveDownloaded', sha256(zip)],
        ['CorrectedCopiesArchiveDownloaded', sha256(zip)],
      ]);
    });

    it('tells the exam office how many PDFs are ready before the ZIP is asked for', async () => {
      const query = `query($e: ID!) { correctedCopiesArchive(examId: $e) { url copies ready pending } }`;
      const { correctedCopiesArchive } = ok(await admin.graphql<{ correctedCopiesArchive: unknown }>(query, { e: examId }));
      expect(correctedCopiesArchive).toEqual({ url: zipUrl(), copies: 4, ready: 2, pending: 1 });
      expect((await corrector.client.graphql(query, { e: examId })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await admin.graphql(query, { e: randomUUID() })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('is the exam office’s only', async () => {
      await expectError(await get(corrector.client, zipUrl()), 403, 'FORBIDDEN');
      await expectError(await get(owner.client, zipUrl()), 403, 'FORBIDDEN');
      await expectError(await get(null, zipUrl()), 401, 'UNAUTHENTICATED');
      await expectError(await get(admin, `/api/files/exams/${randomUUID()}/corrected.zip`), 404, 'NOT_FOUND');
    });
  });

  describe('a reopened copy', () => {
    it('loses its PDF, then gets a new one with another hash once finalised again', async () => {
      const before = await readyPdf(copies.named.id);
      ok(
        await admin.graphql(`mutation($c: ID!) { reopenCopy(copyId: $c, reason: "Erreur de report") { status } }`, { c: copies.named.id }),
      );
      expect(await adminPdf(copies.named.id)).toBeNull();
      await expectError(await get(admin, url(copies.named.id)), 404, 'NOT_FOUND');
      await correct(copies.named.id, { q2: 9 }, false);
      const after = await readyPdf(copies.named.id, before.sha256);
      expect(after.sha256).not.toBe(before.sha256);
      const { bytes } = await download(admin, copies.named.id);
      expect(sha256(bytes)).toBe(after.sha256);
      expect(await renderedEvents(copies.named.id)).toHaveLength(2);
    });
  });
});

const PDFJS_ROOT = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** Each page's text as pdf.js reads it. */
const pdfText = async (bytes: Uint8Array): Promise<string[]> => {
  const pdf = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: `${PDFJS_ROOT}/standard_fonts/`,
    wasmUrl: `${PDFJS_ROOT}/wasm/`,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  }).promise;
  try {
    const texts: string[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const content = await (await pdf.getPage(number)).getTextContent();
      texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    return texts;
  } finally {
    await pdf.destroy();
  }
};
