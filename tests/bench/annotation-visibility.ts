import { randomUUID } from 'node:crypto';
import type { ApiHarness } from '../support/api-harness.js';
import { lockCopy } from '../support/copy-fixtures.js';
import { ok } from '../support/school-fixtures.js';
import { type SessionHeaders, sessionHeaders } from './support/bench-api.js';
import { type BenchSchool, newSession } from './support/bench-school.js';
import { formatLatency, ms, summarize } from './support/latency.js';
import type { Row } from './support/timed.js';

/**
 * Section 2: mutation to visible. The lot's teacher, holding the lock, adds an annotation
 * (addAnnotation answers once the `copies` read model shows it: read-your-writes); another of their
 * sessions (a second tab) asks `copy` until the annotation is listed. Sequential, one at a time,
 * spread over a few copies so that no copy grows unrealistically long.
 */

const ADD = `mutation($c: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $c, annotation: $a) { revision annotations { annotationId } } }`;
const READ = `query($c: ID!) { copy(copyId: $c) { revision annotations { annotationId } } }`;
const COPIES = 4;
const WARM_UP = 20;
const GIVE_UP_MS = 5000;
const MAX_P95_MS = 100;

type Answer = {
  data?: { addAnnotation?: { annotations: { annotationId: string }[] }; copy?: { annotations: { annotationId: string }[] } };
};

const post = async (url: string, headers: SessionHeaders, query: string, variables: Record<string, unknown>): Promise<Answer> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
};

export const benchAnnotationVisibility = async (
  api: ApiHarness,
  school: BenchSchool,
  options: { annotations: number; log: (line: string) => void },
): Promise<{ rows: Row[]; facts: [string, string][] }> => {
  const url = `${api.base}/api/graphql`;
  const writer = sessionHeaders(school.lotTeacher.client);
  const reader = sessionHeaders(await newSession(api, school.lotTeacher.email));
  const copies = school.lot.slice(0, COPIES);
  for (const copy of copies) ok(await lockCopy(school.lotTeacher.client, copy.copyId));

  const answered: number[] = [];
  const visible: number[] = [];
  let readsPerAnnotation = 0;
  let missingFromAnswer = 0;
  let neverVisible = 0;
  options.log(`mutation to visible: ${options.annotations} annotations (after ${WARM_UP} untimed)…`);
  for (let i = 0; i < WARM_UP + options.annotations; i++) {
    const copy = copies[i % copies.length]!;
    const annotation = {
      annotationId: randomUUID(),
      pageId: copy.pageIds[i % copy.pageIds.length],
      kind: 'TICK',
      x: 0.1 + (i % 80) / 100,
      y: 0.5,
    };
    const sent = performance.now();
    const added = await post(url, writer, ADD, { c: copy.copyId, a: annotation });
    const answeredAt = performance.now();
    if (!added.data?.addAnnotation) throw new Error(`addAnnotation failed: ${JSON.stringify(added)}`);
    if (!added.data.addAnnotation.annotations.some((a) => a.annotationId === annotation.annotationId)) missingFromAnswer++;
    let reads = 0;
    let seenAt: number | null = null;
    while (performance.now() - sent < GIVE_UP_MS) {
      reads++;
      const read = await post(url, reader, READ, { c: copy.copyId });
      if (read.data?.copy?.annotations.some((a) => a.annotationId === annotation.annotationId)) {
        seenAt = performance.now();
        break;
      }
    }
    if (i < WARM_UP) continue;
    answered.push(answeredAt - sent);
    readsPerAnnotation += reads;
    if (seenAt === null) neverVisible++;
    else visible.push(seenAt - sent);
  }
  for (const copy of copies) await post(url, writer, `mutation($c: ID!) { unlockCopy(copyId: $c) { revision } }`, { c: copy.copyId });

  const answer = summarize(answered);
  const seen = summarize(visible);
  options.log(`  answered p95 ${ms(answer.p95)} ms, visible to the other session p95 ${ms(seen.p95)} ms`);
  const visibleOk = neverVisible === 0 && missingFromAnswer === 0 && seen.p95 < MAX_P95_MS;
  return {
    rows: [
      {
        measure: `addAnnotation answered (read-your-writes), ${answered.length}×`,
        korrigo: formatLatency(answer),
        anchor: '—',
        ratio: '—',
        bar: '—',
        ok: missingFromAnswer === 0 ? '—' : `NO (${missingFromAnswer} answers without it)`,
      },
      {
        measure: `addAnnotation sent → listed by copy() in another session`,
        korrigo: formatLatency(seen),
        anchor: '—',
        ratio: '—',
        bar: `p95 < ${MAX_P95_MS} ms`,
        ok: visibleOk ? 'yes' : neverVisible ? `NO (${neverVisible} never seen)` : 'NO',
      },
    ],
    facts: [
      [
        'mutation to visible',
        `${answered.length} annotations on ${copies.length} copies, ${(readsPerAnnotation / answered.length).toFixed(2)} copy() reads per annotation until seen`,
      ],
    ],
  };
};
