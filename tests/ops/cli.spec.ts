import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Session,
  type TestRuntime,
  openTestRuntime,
  readEverything,
  scratchDir,
  seedSession,
  withoutPositions,
} from './ops-harness.js';

/*
 * The real command line, as an operator runs it (`npm run ops -- …` runs the same file once built):
 * a child process configured only by DATABASE_URL and DATA_DIR, like `npm start`.
 */
const CLI = fileURLToPath(new URL('../../ops/src/cli.ts', import.meta.url));
const LOADER = new URL('../support/ts-loader.mjs', import.meta.url).href;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ops = (args: readonly string[], env: { DATABASE_URL: string; DATA_DIR: string }): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', LOADER, CLI, ...args], {
      env: { ...process.env, ...env, EVENTSTORE_URL: '', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('npm run ops', () => {
  let dir: string;
  let source: TestRuntime;
  let target: TestRuntime;
  let sourceEnv: { DATABASE_URL: string; DATA_DIR: string };
  let targetEnv: { DATABASE_URL: string; DATA_DIR: string };
  let session: Session;

  beforeAll(async () => {
    dir = await scratchDir();
    source = await openTestRuntime(undefined, path.join(dir, 'source', 'blobs'));
    target = await openTestRuntime(undefined, path.join(dir, 'target', 'blobs'));
    sourceEnv = { DATABASE_URL: source.db.url, DATA_DIR: path.join(dir, 'source') };
    targetEnv = { DATABASE_URL: target.db.url, DATA_DIR: path.join(dir, 'target') };
    session = await seedSession(source, 10); // 10 copies, an exam and a scan: 12 streams
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('snapshots, restores elsewhere, refuses a second restore and verifies, with exit codes and one-line summaries', async () => {
    const archive = path.join(dir, 'cli.tar');
    const snap = await ops(['snapshot', '--out', archive], sourceEnv);
    expect(snap).toMatchObject({ code: 0, stderr: expect.stringContaining('snapshot') });
    expect(snap.stdout).toMatch(
      new RegExp(
        `^snapshot: ${session.events} events \\(12 streams, cut at \\d+/\\d+\\), 4 blobs, .* → .*cli\\.tar sha256 [0-9a-f]{64}\n$`,
      ),
    );

    const restored = await ops(['restore', archive], targetEnv);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`read-model checksums:\n {2}audit-log/audit_log: ${session.events}:[0-9a-f]{32}\n`));
    expect(restored.stdout).toMatch(
      new RegExp(`\nrestore: ${session.events} events, 12 streams, 4 blobs copied .* postgres → postgres in `),
    );
    expect(withoutPositions(await readEverything(target.store))).toEqual(withoutPositions(await readEverything(source.store)));

    const again = await ops(['restore', archive], targetEnv);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toMatch(/not empty .* --force/);

    const verified = await ops(['verify'], targetEnv);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/\nverify: OK/);
  });

  it('exits 2 with the usage on a wrong command line', async () => {
    const wrong = await ops(['restore', '--to-time', 'yesterday', 'x.tar'], sourceEnv);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--to-time needs an ISO-8601 time[\s\S]*Usage: npm run ops/);
    expect((await ops(['snapshot'], sourceEnv)).code).toBe(2);
  });

  it('exits 1 with a clear message when the archive is not there', async () => {
    const missing = await ops(['restore', path.join(dir, 'nope.tar')], targetEnv);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/Cannot open archive .*nope\.tar/) });
  });
});
