import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { allProjections } from '#projections';
import { ADMIN, type ApiHarness, startApi } from '../support/api-harness.js';
import { importRoster } from '../support/school-fixtures.js';
import { createExamFor, uploadScan, waitForScans } from '../support/scan-upload.js';
import { generateClassScan } from '../fixtures/class-scan.js';

const TOKEN = `metrics-${randomUUID()}`;

describe('/metrics with METRICS_TOKEN set', () => {
  let api: ApiHarness;
  let dataDir: string;
  const saved = { token: process.env.METRICS_TOKEN, dataDir: process.env.DATA_DIR };
  beforeAll(async () => {
    // The scan pipeline keeps its temporary files under DATA_DIR.
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'korrigo-metrics-'));
    process.env.DATA_DIR = dataDir;
    process.env.METRICS_TOKEN = TOKEN;
    api = await startApi();
  });
  afterAll(async () => {
    restoreEnv('METRICS_TOKEN', saved.token);
    restoreEnv('DATA_DIR', saved.dataDir);
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a scrape without the token, or with a wrong one (401)', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }] as Record<string, string>[]) {
      const response = await fetch(`${api.base}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.text()).not.toContain('korrigo_');
    }
  });

  it('answers the token with the text format 0.0.4, every line of which is valid', async () => {
    const response = await scrape(api.base);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const families = parseExposition(text);
    for (const name of [
      'korrigo_http_requests_total',
      'korrigo_build_info',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(families.has(name)).toBe(true);
    const version = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;
    expect(sample(families, 'korrigo_build_info', { version, node: process.version })).toBe(1);
  });

  it('moves the counters after sign-ins, GraphQL calls and a file download', async () => {
    const before = parseExposition(await (await scrape(api.base)).text());
    const admin = await api.admin();
    expect((await api.client().signIn('ADMIN', ADMIN.email, 'not-the-password')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.client().graphql('{ systemStatus { storeKind } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await admin.graphql<{ me: { id: string } }>('{ me { id } }')).data?.me.id).toBeTruthy();
    const pageId = randomUUID();
    expect((await fetch(`${api.base}/api/files/pages/${pageId}`)).status).toBeGreaterThanOrEqual(400);
    const text = await (await scrape(api.base)).text();
    const after = parseExposition(text);

    const moved = (name: string, labels: Record<string, string>): number =>
      sample(after, name, labels) - (sampleOr0(before, name, labels) ?? 0);
    expect(moved('korrigo_sign_in_attempts_total', { portal: 'admin', outcome: 'success' })).toBe(1);
    expect(moved('korrigo_sign_in_attempts_total', { portal: 'admin', outcome: 'refused' })).toBe(1);
    expect(moved('korrigo_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(2);
    expect(moved('korrigo_http_requests_total', { method: 'POST', route: '/api/graphql', operation: 'signIn', status: '200' })).toBe(2);
    expect(moved('korrigo_http_requests_total', { method: 'POST', route: '/api/graphql', operation: 'me', status: '200' })).toBe(1);
    expect(moved('korrigo_http_request_duration_seconds_count', { method: 'POST', route: '/api/graphql', operation: 'me' })).toBe(1);
    // Sign-ins are recorded on the user's stream (a staff sign-in is audited).
    expect(moved('korrigo_events_appended_total', { category: 'user' })).toBeGreaterThanOrEqual(2);
    expect(moved('korrigo_event_appends_total', { category: 'user', outcome: 'ok' })).toBeGreaterThanOrEqual(2);

    // The route is the declared pattern: no id ever becomes a label value.
    const fileRoutes = after.get('korrigo_http_requests_total')!.samples.filter((s) => s.labels.route?.startsWith('/api/files/'));
    expect(fileRoutes.map((s) => s.labels.route)).toContain('/api/files/pages/:pageId');
    expect(text).not.toContain(pageId);
  });

  it('counts a scan import: its outcome, pages rendered, header readings and appends', async () => {
    const admin = await api.admin();
    const scan = await generateClassScan({ style: 'printed', copies: 2, pagesPerCopy: 1, dpi: 150, seed: 5 });
    expect((await importRoster(admin, scan.rosterCsv)).errors).toBe(0);
    const examId = await createExamFor(admin, scan.roster[0]!.className);
    const before = parseExposition(await (await scrape(api.base)).text());
    const answer = await uploadScan(api.base, admin, examId, [{ name: 'scan.pdf', bytes: scan.pdf }], { pagesPerCopy: '1' });
    expect(answer.status).toBe(202);
    const [finished] = await waitForScans(admin, examId, [String(answer.body.scanId)]);
    expect(finished?.stage).toBe('COMPLETED');
    const text = await (await scrape(api.base)).text();
    const after = parseExposition(text);
    const moved = (name: string, labels: Record<string, string>): number =>
      sample(after, name, labels) - (sampleOr0(before, name, labels) ?? 0);
    expect(moved('korrigo_scans_processed_total', { outcome: 'completed' })).toBe(1);
    expect(moved('korrigo_scan_pages_rendered_total', {})).toBe(2);
    expect(moved('korrigo_ocr_header_read_seconds_count', { engine: 'tesseract' })).toBe(2);
    expect(moved('korrigo_events_appended_total', { category: 'scan' })).toBeGreaterThanOrEqual(4);
    expect(moved('korrigo_events_appended_total', { category: 'copy' })).toBeGreaterThanOrEqual(2);
    expect(moved('korrigo_http_requests_total', { method: 'POST', route: '/api/exams/:examId/scans', operation: '', status: '202' })).toBe(
      1,
    );
    expect(text).not.toContain(examId);
  }, 120_000);

  it('keeps every histogram cumulative, ending at +Inf with its count', async () => {
    const families = parseExposition(await (await scrape(api.base)).text());
    const histograms = [...families.values()].filter((f) => f.type === 'histogram');
    expect(histograms.length).toBeGreaterThanOrEqual(3);
    let checked = 0;
    for (const family of histograms) {
      const series = new Map<string, { le: number; value: number }[]>();
      for (const s of family.samples.filter((x) => x.name.endsWith('_bucket'))) {
        const { le, ...rest } = s.labels;
        const key = JSON.stringify(rest);
        series.set(key, [...(series.get(key) ?? []), { le: parseValue(le!), value: s.value }]);
      }
      for (const [key, buckets] of series) {
        const bounds = buckets.map((b) => b.le);
        expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
        expect(bounds.at(-1)).toBe(Infinity);
        for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
        const count = family.samples.find((s) => s.name === `${family.name}_count` && JSON.stringify(s.labels) === key);
        expect(count?.value).toBe(buckets.at(-1)!.value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('reports each projection’s lag and checkpoint age, and the locks held', async () => {
    const families = parseExposition(await (await scrape(api.base)).text());
    for (const { name } of allProjections) {
      expect(sample(families, 'korrigo_projection_lag_seconds', { projection: name })).toBeGreaterThanOrEqual(0);
      expect(sample(families, 'korrigo_projection_running', { projection: name })).toBe(1);
      expect(sample(families, 'korrigo_projection_checkpoint_age_seconds', { projection: name })).toBeGreaterThanOrEqual(0);
    }
    expect(sample(families, 'korrigo_copy_locks_held', {})).toBe(0);
    expect(sample(families, 'korrigo_event_store_up', {})).toBe(1);
  });

  it('leaves a failing figure out and counts it, without failing the scrape', async () => {
    const before = parseExposition(await (await scrape(api.base)).text());
    // The locks figure reads the copies read model: a table renamed away makes that one query fail.
    await api.db.pool.query('ALTER TABLE copies RENAME TO copies_away');
    let after;
    try {
      const response = await scrape(api.base);
      expect(response.status).toBe(200);
      after = parseExposition(await response.text());
    } finally {
      await api.db.pool.query('ALTER TABLE copies_away RENAME TO copies');
    }
    expect(after.get('korrigo_copy_locks_held')!.samples).toEqual([]);
    expect(sample(after, 'korrigo_metrics_collect_errors_total', { collector: 'locks' })).toBe(
      (sampleOr0(before, 'korrigo_metrics_collect_errors_total', { collector: 'locks' }) ?? 0) + 1,
    );
    expect(after.get('korrigo_projection_lag_seconds')!.samples.length).toBe(allProjections.length);
  });

  it('lets a signed-in admin read the metrics without the token', async () => {
    const admin = await api.admin();
    const response = await fetch(`${api.base}/metrics`, { headers: { cookie: `korrigo_session=${admin.cookie('korrigo_session')}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# TYPE korrigo_http_requests_total counter');
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  let api: ApiHarness;
  const saved = process.env.METRICS_TOKEN;
  beforeAll(async () => {
    delete process.env.METRICS_TOKEN;
    // With the portal served, as `npm start` does: its deep-link fallback must leave /metrics alone.
    api = await startApi({ portal: true });
  });
  afterAll(async () => {
    restoreEnv('METRICS_TOKEN', saved);
    await api?.close();
  });

  it('does not exist for anyone but an admin (404), whatever token is sent', async () => {
    expect((await fetch(`${api.base}/metrics`)).status).toBe(404);
    expect((await scrape(api.base)).status).toBe(404);
    expect((await fetch(`${api.base}/metrics`, { headers: { authorization: 'Bearer ' } })).status).toBe(404);
  });

  it('answers a signed-in admin, past the portal’s deep-link fallback', async () => {
    const admin = await api.admin();
    const response = await fetch(`${api.base}/metrics`, { headers: { cookie: `korrigo_session=${admin.cookie('korrigo_session')}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(parseExposition(await response.text()).has('korrigo_http_requests_total')).toBe(true);
    expect((await fetch(`${api.base}/admin/examens`)).headers.get('content-type')).toMatch(/^text\/html/);
  });
});

// --- helpers -------------------------------------------------------------------------------------

const scrape = (base: string): Promise<Response> => fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });

const restoreEnv = (name: string, saved: string | undefined): void => {
  if (saved === undefined) delete process.env[name];
  else process.env[name] = saved;
};

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}
interface Family {
  readonly name: string;
  type: string | null;
  help: string | null;
  readonly samples: Sample[];
}

const METRIC = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const VALUE = '[+-]?(?:Inf|NaN|\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)';
const LABEL = '([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"';
const SAMPLE_LINE = new RegExp(`^(${METRIC})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (${VALUE})(?: -?\\d+)?$`);
const SUFFIXES: Record<string, readonly string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

const parseValue = (text: string): number => (text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));
const unescape = (text: string): string => text.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** A strict reader of the text exposition format 0.0.4: throws on the first line Prometheus would refuse. */
const parseExposition = (text: string): Map<string, Family> => {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, type: null, help: null, samples: [] }));
    return found;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const fail = (why: string): never => {
        throw new Error(`line ${index + 1} (${why}): ${line}`);
      };
      const help = new RegExp(`^# HELP (${METRIC}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`).exec(line);
      const type = new RegExp(`^# TYPE (${METRIC}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
      if (help) {
        const f = family(help[1]!);
        if (f.help !== null || f.samples.length > 0) fail('HELP repeated or after samples');
        f.help = help[2]!;
      } else if (type) {
        const f = family(type[1]!);
        if (f.type !== null || f.samples.length > 0) fail('TYPE repeated or after samples');
        f.type = type[2]!;
      } else if (line.startsWith('#')) {
        if (!line.startsWith('# ') && line !== '#') fail('comment');
      } else {
        const match = SAMPLE_LINE.exec(line) ?? fail('not a sample');
        const name = match[1]!;
        const labels: Record<string, string> = {};
        for (const [, key, value] of (match[2] ?? '').matchAll(new RegExp(LABEL, 'g'))) {
          if (Object.hasOwn(labels, key!)) fail(`label ${key} twice`);
          labels[key!] = unescape(value!);
        }
        const owner = [...families.values()].find((f) => (SUFFIXES[f.type ?? ''] ?? ['']).some((s) => `${f.name}${s}` === name));
        if (!owner) fail('sample without a TYPE line before it');
        const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
        if (seen.has(key)) fail('series twice');
        seen.add(key);
        owner!.samples.push({ name, labels, value: parseValue(match.at(-1)!) });
      }
    });
  return families;
};

const sampleOr0 = (families: Map<string, Family>, name: string, labels: Record<string, string>): number | undefined => {
  for (const family of families.values()) {
    const found = family.samples.find(
      (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
    );
    if (found) return found.value;
  }
  return undefined;
};

const sample = (families: Map<string, Family>, name: string, labels: Record<string, string>): number => {
  const value = sampleOr0(families, name, labels);
  if (value === undefined) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return value;
};
