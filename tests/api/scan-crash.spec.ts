import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, ApiClient } from '../support/api-harness.js';
import { freePort } from '../support/free-port.js';
import { type TestDatabase, createTestDatabase } from '../support/pg.js';
import { importRoster, ok } from '../support/school-fixtures.js';
import { createExamFor, uploadScan, waitForScans } from '../support/scan-upload.js';
import { generateClassScan } from '../fixtures/class-scan.js';

/*
 * The scan pipeline crash test (DESIGN §2: a crash replays into the same state). The real API runs
 * in a child process (apps/api/src/main.ts through tests/support/ts-loader.mjs, configured only by
 * DATABASE_URL and DATA_DIR like `npm start`). A class is uploaded, the child is killed with SIGKILL
 * while pages are being rendered, a new child on the same database and data folder resumes, is killed
 * again while headers are being read, and a third one finishes. The import must end exactly as one
 * uninterrupted run would: every copy once, every page once, every image in the blob store.
 */

const MAIN = fileURLToPath(new URL('../../apps/api/src/main.ts', import.meta.url));
const LOADER = new URL('../support/ts-loader.mjs', import.meta.url).href;
const COPIES = 8;
const PAGES_PER_COPY = 2;

interface Child {
  readonly process: ChildProcess;
  readonly base: string;
  readonly exited: Promise<void>;
  output(): string;
}

const children = new Set<ChildProcess>();
let db: TestDatabase | null = null;
let dataDir = '';

const startChild = async (): Promise<Child> => {
  const port = (await freePort()) as number;
  const child = spawn(process.execPath, ['--enable-source-maps', '--import', LOADER, MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NODE_OPTIONS: '',
      EVENTSTORE_URL: '',
      DATABASE_URL: db!.url,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (children.delete(child), resolve())));
  const output = () => `stdout: ${stdout.slice(-4000)}\nstderr: ${stderr}`;
  await waitUntil(
    'the API to start',
    async () => {
      if (child.exitCode !== null) throw new Error(`the API child exited: ${output()}`);
      return stdout.includes('Korrigo is running.');
    },
    120_000,
    50,
  );
  return { process: child, base: `http://127.0.0.1:${port}`, exited, output };
};

const kill = async (child: Child): Promise<void> => {
  child.process.kill('SIGKILL');
  await child.exited;
};

const signedIn = async (base: string): Promise<ApiClient> => {
  const client = new ApiClient(base);
  ok(await client.signIn('ADMIN', ADMIN.email, ADMIN.password));
  return client;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitUntil = async (what: string, condition: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
};

/** The scan's own events by type, and the HeaderRead of its copies. */
const progress = async (scanId: string): Promise<Record<string, number>> => {
  const { rows } = await db!.pool.query<{ type: string; count: number }>(
    `SELECT type, count(*)::int AS count FROM es_events WHERE stream_id = $1 GROUP BY type
     UNION ALL
     SELECT type, count(*)::int FROM es_events
     WHERE type IN ('CopyImported', 'HeaderRead', 'StudentIdentified') AND stream_id IN (
       SELECT 'copy-' || (c->>'copyId') FROM es_events, jsonb_array_elements(data->'copies') AS c WHERE stream_id = $1 AND type = 'ScanSplit')
     GROUP BY type`,
    [`scan-${scanId}`],
  );
  return Object.fromEntries(rows.map((row) => [row.type, row.count]));
};

const eventsOf = async (type: string, streamPrefix: string) =>
  (
    await db!.pool.query<{ stream_id: string; data: Record<string, unknown> }>(
      `SELECT stream_id, data FROM es_events WHERE type = $1 AND stream_id LIKE $2 ORDER BY position`,
      [type, `${streamPrefix}%`],
    )
  ).rows;

const blobExists = (key: string) =>
  access(path.join(dataDir, 'blobs', key.slice(0, 2), key)).then(
    () => true,
    () => false,
  );

describe('scan import crash test', () => {
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('resumes after SIGKILL mid-render and mid-reading, and imports every copy exactly once', async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-scan-crash-'));
    const scan = await generateClassScan({ style: 'printed', copies: COPIES, pagesPerCopy: PAGES_PER_COPY, dpi: 150, seed: 31 });
    const pageCount = COPIES * PAGES_PER_COPY;

    let child = await startChild();
    let admin = await signedIn(child.base);
    expect((await importRoster(admin, scan.rosterCsv)).errors).toBe(0);
    const examId = await createExamFor(admin, scan.roster[0]!.className);
    const answer = await uploadScan(child.base, admin, examId, [{ name: 'TG1.pdf', bytes: scan.pdf }], {
      pagesPerCopy: String(PAGES_PER_COPY),
    });
    expect(answer.status).toBe(202);
    const scanId = String(answer.body.scanId);

    // First kill: some pages are rendered and recorded, the scan is not split yet.
    await waitUntil('a first PagesRendered', async () => ((await progress(scanId)).PagesRendered ?? 0) >= 1, 120_000, 10);
    await kill(child);
    const atFirstKill = await progress(scanId);
    expect(atFirstKill.ScanCompleted).toBeUndefined();

    // Second kill: the copies exist and some headers are read, not all.
    child = await startChild();
    await waitUntil('a first HeaderRead', async () => ((await progress(scanId)).HeaderRead ?? 0) >= 1, 180_000, 10);
    await kill(child);
    const atSecondKill = await progress(scanId);
    expect(atSecondKill.ScanCompleted).toBeUndefined();
    expect(atSecondKill.HeaderRead).toBeLessThan(COPIES);

    // A third process finishes the work.
    child = await startChild();
    admin = await signedIn(child.base);
    const [finished] = await waitForScans(admin, examId, [scanId], 240_000);
    expect(finished).toMatchObject({ stage: 'COMPLETED', copyCount: COPIES, pageCount, problem: null });

    const final = await progress(scanId);
    expect(final).toMatchObject({
      ScanUploaded: 1,
      ScanSplit: 1,
      ScanIdentified: 1,
      ScanCompleted: 1,
      CopyImported: COPIES,
      HeaderRead: COPIES,
    });
    expect(final.StudentIdentified ?? 0).toBeLessThanOrEqual(COPIES);

    // Every page rendered exactly once across the PagesRendered of all the processes.
    const rendered = (await eventsOf('PagesRendered', `scan-${scanId}`)).flatMap((event) =>
      (event.data.pages as { number: number }[]).map((page) => page.number),
    );
    expect(rendered.sort((a, b) => a - b)).toEqual(Array.from({ length: pageCount }, (_, i) => i + 1));

    // Every copy imported once into the exam, its pages the split's, no page in two copies.
    const imported = (await eventsOf('CopyImported', 'copy-')).filter((event) => event.data.scanId === scanId);
    expect(new Set(imported.map((event) => event.stream_id)).size).toBe(COPIES);
    const pages = imported.flatMap(
      (event) => event.data.pages as { pageId: string; number: number; imageBlobKey: string; maskedImageBlobKey?: string }[],
    );
    expect(new Set(pages.map((page) => page.pageId)).size).toBe(pageCount);
    expect(pages.map((page) => page.number).sort((a, b) => a - b)).toEqual(Array.from({ length: pageCount }, (_, i) => i + 1));
    const { rows: listed } = await db!.pool.query<{ count: number; codes: number }>(
      `SELECT count(*)::int AS count, count(DISTINCT anonymous_code)::int AS codes FROM copies WHERE exam_id = $1`,
      [examId],
    );
    expect(listed[0]).toEqual({ count: COPIES, codes: COPIES });

    // Every image any event names is in the blob store.
    const reads = (await eventsOf('HeaderRead', 'copy-')).filter((event) => imported.some((copy) => copy.stream_id === event.stream_id));
    const keys = [
      ...pages.flatMap((page) => [page.imageBlobKey, ...(page.maskedImageBlobKey ? [page.maskedImageBlobKey] : [])]),
      ...reads.map((event) => String(event.data.imageBlobKey)),
    ];
    const missing = [];
    for (const key of keys) if (!(await blobExists(key))) missing.push(key);
    expect(missing).toEqual([]);

    // No student identified on two copies.
    const identified = (await eventsOf('StudentIdentified', 'copy-')).map((event) => String(event.data.studentId));
    expect(new Set(identified).size).toBe(identified.length);

    console.info(
      `scan crash test: killed at ${JSON.stringify(atFirstKill)} and at ${JSON.stringify(atSecondKill)}; ` +
        `finished with ${finished!.autoIdentified} of ${COPIES} copies identified automatically`,
    );
    await kill(child);
  }, 600_000);
});
