import './support/production-env.js';
import { randomUUID } from 'node:crypto';
import { createCanvas } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';
import type { ApiClient } from '../support/api-harness.js';
import { IMPORT_COPIES, assignCopy, createExam, lockCopy } from '../support/copy-fixtures.js';
import { FakeOpenAi, completion } from '../support/fake-openai.js';
import { ok, signedInStaff } from '../support/school-fixtures.js';
import { startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';

/**
 * AI round-trip overhead: Korrigo's time around a provider call, against a local OpenAI-compatible
 * server that answers at once, so what is left is ours. Per request, sequentially:
 *   provider  the server's own handling (last request byte → answer sent)
 *   call      what the processor records as latency (images from the blob store, masking, prompt,
 *             HTTP, answer check), minus the provider's share: the call's overhead
 *   visible   mutation sent → the workspace's query shows PRODUCED (polled every 5 ms): request
 *             recorded, queued, called, outcome appended and projected
 * Two scenarios: a first page stored with its masked variant, and one masked on the fly.
 *
 *   node --import ./tests/support/ts-loader.mjs tests/bench/ai-roundtrip.bench.ts [--requests N]
 */
const arg = process.argv.indexOf('--requests');
const REQUESTS = arg > 0 ? Number(process.argv[arg + 1]) : 30;
const LATEST = `query($copyId: ID!) { aiSuggestions(copyId: $copyId) { status latencyMs } }`;
const ANSWER = JSON.stringify({
  suggestions: [
    { questionId: 'q1a', points: 3.5, justification: 'Méthode correcte.', confidence: 0.8 },
    { questionId: 'q1b', points: 4.75, justification: 'Un oubli de signe.', confidence: 0.6 },
    { questionId: 'q2', points: 7, justification: 'Tableau incomplet.', confidence: 0.7 },
  ],
  comment: 'Copie claire.',
});

type Latest = { aiSuggestions: { status: string; latencyMs: number | null } | null };

/** Polls the workspace's query every 5 ms until the request is produced; answers its recorded latency. */
const produced = async (client: ApiClient, copyId: string): Promise<number> => {
  for (;;) {
    const latest = ok(await client.graphql<Latest>(LATEST, { copyId })).aiSuggestions;
    if (latest?.status === 'PRODUCED') return latest.latencyMs ?? 0;
    if (latest?.status === 'FAILED') throw new Error(`a request failed: ${JSON.stringify(latest)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (value: number): string => value.toFixed(1).padStart(8);

/** An A4 page at 150 dpi, as the scan pipeline stores it: a name block in the header, lines of writing. */
const page = async (withName: boolean): Promise<Buffer> => {
  const canvas = createCanvas(1240, 1754);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 1240, 1754);
  context.fillStyle = '#1a1a1a';
  if (withName) context.fillRect(90, 90, 800, 160);
  for (let y = 500; y < 1650; y += 36) context.fillRect(90, y, 1000 - ((y * 7) % 300), 10);
  return encodeCanvas(canvas, 'jpeg', 85);
};

const main = async (): Promise<void> => {
  const provider = await new FakeOpenAi().start();
  provider.answer = completion(ANSWER);
  Object.assign(process.env, {
    OPENAI_API_KEY: 'bench-key',
    OPENAI_BASE_URL: provider.baseURL,
    OPENAI_MODEL: 'local-vision',
    AI_RATE_PER_MINUTE: String(REQUESTS * 4),
    AI_QUEUE_LIMIT: String(REQUESTS * 2),
  });
  const cluster = await startBenchCluster(log);
  const api = await startBenchApi(cluster);
  try {
    const admin = await api.admin();
    const teacher = await signedInStaff(api, admin, 'TEACHER', 'bench-ia@lycee.test');
    const [named, masked, second] = [await page(true), await page(false), await page(false)];
    const keys = {
      named: (await api.runtime.blobs.put(named)).key,
      masked: (await api.runtime.blobs.put(masked)).key,
      second: (await api.runtime.blobs.put(second)).key,
    };
    process.stdout.write(`AI round trip, ${REQUESTS} requests per scenario, 2 pages of 1240×1754 JPEG each, sequential (ms)\n`);
    process.stdout.write(
      `${'scenario'.padEnd(22)}${''.padStart(6)}${'provider'.padStart(9)}${'call'.padStart(9)}${'call−prov'.padStart(10)}${'visible'.padStart(9)}${'vis−prov'.padStart(10)}\n`,
    );
    for (const scenario of ['stored masked variant', 'masked on the fly'] as const) {
      const examId = await createExam(api, [teacher.userId]);
      const copies = Array.from({ length: REQUESTS }, () => ({
        pages: [
          {
            pageId: randomUUID(),
            number: 1,
            imageBlobKey: keys.named,
            ...(scenario === 'stored masked variant' ? { maskedImageBlobKey: keys.masked } : {}),
          },
          { pageId: randomUUID(), number: 2, imageBlobKey: keys.second },
        ],
      }));
      const { importCopies } = ok(
        await admin.graphql<{ importCopies: { copyId: string }[] }>(IMPORT_COPIES, { examId, scanId: randomUUID(), copies }),
      );
      for (const { copyId } of importCopies) {
        await assignCopy(api, copyId, teacher.userId);
        ok(await lockCopy(teacher.client, copyId));
      }
      const rows = { provider: [] as number[], call: [] as number[], visible: [] as number[] };
      for (const { copyId } of importCopies) {
        const handled = provider.handlingMs.length;
        const started = performance.now();
        ok(await teacher.client.graphql(`mutation($copyId: ID!) { requestAiSuggestions(copyId: $copyId) { status } }`, { copyId }));
        const latencyMs = await produced(teacher.client, copyId);
        rows.visible.push(performance.now() - started);
        rows.provider.push(provider.handlingMs[handled]!);
        rows.call.push(latencyMs);
      }
      const overhead = (of: number[]) => of.map((value, index) => value - rows.provider[index]!);
      for (const [label, q] of [
        ['median', 0.5],
        ['p95', 0.95],
      ] as const) {
        process.stdout.write(
          `${scenario.padEnd(22)}${label.padStart(6)}${ms(quantile(rows.provider, q))} ${ms(quantile(rows.call, q))} ${ms(quantile(overhead(rows.call), q))} ${ms(quantile(rows.visible, q))} ${ms(quantile(overhead(rows.visible), q))}\n`,
        );
      }
    }
  } finally {
    await api.close();
    await cluster.close();
    await provider.stop();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
