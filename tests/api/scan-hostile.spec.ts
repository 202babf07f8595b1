import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ScanLimits } from '#ocr';
import { type ApiClient, type ApiHarness, startApi } from '../support/api-harness.js';
import { importRoster, pronoteFile } from '../support/school-fixtures.js';
import { createExamFor, listScans, uploadScan, waitForScans } from '../support/scan-upload.js';
import { type HostilePdf, hostilePdfs } from '../fixtures/hostile-pdfs.js';

/*
 * Hostile uploads through the real route (DESIGN §7: a clear reason, nothing half-imported). Every
 * bad file of the fixture gets its coded refusal with a French reason: at upload (422, or 413 past
 * the size cap) when inspection tells, from the pipeline (the scan FAILED, naming the page) when only
 * drawing the page tells. After each, the API still answers; at the end no temporary file is left
 * and no refused file reached the blob store. Cases run under the limits they name, one API per
 * set of limits (SCAN_MAX_BYTES, SCAN_RENDER_TIMEOUT_MS, SCAN_MAX_PAGES are read at start).
 */

const ENV: Record<keyof ScanLimits, string | null> = {
  maxBytes: 'SCAN_MAX_BYTES',
  maxPages: 'SCAN_MAX_PAGES',
  renderTimeoutMs: 'SCAN_RENDER_TIMEOUT_MS',
  maxPagePixels: null,
  maxPageSizeMm: null,
  maxWorkerMemoryMb: 'SCAN_WORKER_MEMORY_MB',
};

interface Outcome {
  readonly name: string;
  readonly status: number;
  readonly code: string | undefined;
  readonly reason: string;
  readonly page: number | null | undefined;
}

let cases: HostilePdf[];
let dataDir: string;
const outcomes: Outcome[] = [];
const leftovers: { name: string; tmp: string[]; blobs: string[]; pdfKept: boolean }[] = [];

beforeAll(async () => {
  cases = await hostilePdfs();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-scan-hostile-'));
}, 60_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('hostile uploads', () => {
  it('has enough cases to mean something', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const item of cases) {
      for (const key of Object.keys(item.limits ?? {})) expect({ key, env: ENV[key as keyof ScanLimits] }).not.toEqual({ key, env: null });
    }
  });

  it('refuses each with its code and a French reason, and stays healthy', async () => {
    const groups = new Map<string, HostilePdf[]>();
    for (const item of cases)
      groups.set(JSON.stringify(item.limits ?? {}), [...(groups.get(JSON.stringify(item.limits ?? {})) ?? []), item]);
    for (const [limits, group] of groups) await runGroup(JSON.parse(limits) as Partial<ScanLimits>, group);

    // Which page runs out of time first depends on the machine's load (a cold worker opens the file
    // within its first page's budget): a timeout is checked for its code, every other refusal for its page too.
    const pageNamed = new Set(
      cases.filter((item) => item.page !== undefined && item.expected !== 'RENDER_TIMEOUT').map((item) => item.name),
    );
    const expected = cases.map((item) => ({
      name: item.name,
      status: item.stage === 'render' ? 202 : item.expected === 'TOO_LARGE' ? 413 : 422,
      code: item.expected,
      ...(pageNamed.has(item.name) ? { page: item.page } : {}),
    }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const got = outcomes.map(({ name, status, code, page }) => ({ name, status, code, ...(pageNamed.has(name) ? { page } : {}) }));
    expect(got.sort(byName)).toEqual(expected.sort(byName));
    for (const outcome of outcomes) {
      // French, for a person: a sentence with accented or French words, not an English stack message.
      expect({ name: outcome.name, french: /[éèàêçù’]|\b(le|la|les|de|du|des|est|trop|fichier|pages?)\b/i.test(outcome.reason) }).toEqual({
        name: outcome.name,
        french: true,
      });
    }
  }, 600_000);

  it('keeps no temporary file and no refused file in the blob store', () => {
    expect(leftovers.map((entry) => entry.name).sort()).toEqual(cases.map((item) => item.name).sort());
    expect(leftovers.filter((entry) => entry.tmp.length > 0)).toEqual([]);
    const refused = leftovers.filter((entry) => cases.find((item) => item.name === entry.name)?.stage === 'inspect');
    expect(refused.filter((entry) => entry.pdfKept).map((entry) => entry.name)).toEqual([]);
    // A PDF that passed inspection is a scan of the exam: its failure is recorded, and its file kept for a retry.
    const failed = leftovers.filter((entry) => cases.find((item) => item.name === entry.name)?.stage === 'render');
    expect(failed.every((entry) => entry.pdfKept)).toBe(true);
  });
});

describe('a failed import', () => {
  it('is sent back to the pipeline by the exam office’s retry, which records it; a refused upload cannot be retried', async () => {
    process.env.DATA_DIR = dataDir;
    const api = await startApi();
    try {
      const admin = await api.admin();
      await importRoster(admin, pronoteFile(['MORVAN Gwenaëlle;12/09/2008;;1G3;']));
      const examId = await createExamFor(admin, '1G3');
      const damaged = cases.find((item) => item.name === 'corrupt-content-stream')!;
      const answer = await uploadScan(api.base, admin, examId, [{ name: 'abime.pdf', bytes: damaged.bytes }], { pagesPerCopy: '1' });
      const scanId = String(answer.body.scanId);
      expect((await waitForScans(admin, examId, [scanId]))[0]).toMatchObject({
        stage: 'FAILED',
        problem: { code: 'CORRUPT', stage: 'rendering' },
      });

      const retry = `mutation($s: ID!) { retryScan(scanId: $s) { scanId } }`;
      expect((await admin.graphql(retry, { s: scanId })).errors).toBeUndefined();
      await waitUntilEvents(api, `scan-${scanId}`, 'ScanFailed', 2);
      expect((await waitForScans(admin, examId, [scanId]))[0]).toMatchObject({ stage: 'FAILED', problem: { code: 'CORRUPT' } });
      expect(await eventTypes(api, `scan-${scanId}`)).toEqual(['ScanUploaded', 'ScanFailed', 'ScanRetried', 'ScanFailed']);

      const empty = await uploadScan(api.base, admin, examId, [{ name: 'vide.pdf', bytes: Buffer.alloc(0) }]);
      expect(empty.status).toBe(422);
      const rejected = (await listScans(admin, examId)).find((scan) => scan.stage === 'REJECTED')!;
      const refused = await admin.graphql(retry, { s: rejected.scanId });
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/échec/) });
    } finally {
      await api.close();
    }
  }, 180_000);
});

const eventTypes = async (api: ApiHarness, stream: string): Promise<string[]> =>
  (await api.runtime.store.readStream(stream)).map((event) => event.type);

const waitUntilEvents = async (api: ApiHarness, stream: string, type: string, count: number): Promise<void> => {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if ((await eventTypes(api, stream)).filter((found) => found === type).length >= count) return;
  }
  throw new Error(`no ${count} ${type} on ${stream} in time`);
};

/** One API with these limits, one exam, every case of the group uploaded in turn. */
const runGroup = async (limits: Partial<ScanLimits>, group: readonly HostilePdf[]): Promise<void> => {
  const saved = { ...process.env };
  process.env.DATA_DIR = dataDir;
  for (const [key, value] of Object.entries(limits)) process.env[ENV[key as keyof ScanLimits]!] = String(value);
  let api: ApiHarness | null = null;
  try {
    api = await startApi();
    const admin = await api.admin();
    await importRoster(admin, pronoteFile(['MORVAN Gwenaëlle;12/09/2008;;1G3;']));
    const examId = await createExamFor(admin, '1G3');
    for (const item of group) {
      outcomes.push(await uploadOne(api, admin, examId, item));
      await expectHealthy(api, admin, examId);
      const blobs: string[] = [];
      for await (const key of api.runtime.blobs.list()) blobs.push(key);
      const sha = createHash('sha256').update(item.bytes).digest('hex');
      leftovers.push({
        name: item.name,
        tmp: await readdir(path.join(dataDir, 'tmp')).catch(() => []),
        blobs,
        pdfKept: blobs.includes(sha),
      });
    }
  } finally {
    await api?.close();
    process.env = saved;
  }
};

const uploadOne = async (api: ApiHarness, admin: ApiClient, examId: string, item: HostilePdf): Promise<Outcome> => {
  const answer = await uploadScan(api.base, admin, examId, [{ name: `${item.name}.pdf`, bytes: item.bytes }], { pagesPerCopy: '1' });
  if (answer.status !== 202) {
    return {
      name: item.name,
      status: answer.status,
      code: answer.body.code as string | undefined,
      reason: String(answer.body.reason ?? ''),
      page: answer.body.page as number | undefined,
    };
  }
  // Inspection let it through: the pipeline must refuse it while drawing, and record why.
  const [scan] = await waitForScans(admin, examId, [String(answer.body.scanId)], 120_000);
  return {
    name: item.name,
    status: answer.status,
    code: scan!.stage === 'FAILED' ? scan!.problem?.code : `not refused: ${scan!.stage}`,
    reason: scan!.problem?.reason ?? '',
    page: scan!.problem?.page,
  };
};

const expectHealthy = async (api: ApiHarness, admin: ApiClient, examId: string): Promise<void> => {
  const ready = await fetch(`${api.base}/api/health/ready`);
  expect(ready.status).toBe(200);
  expect(Array.isArray(await listScans(admin, examId))).toBe(true);
};
