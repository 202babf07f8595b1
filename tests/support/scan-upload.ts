import type { ApiClient } from './api-harness.js';
import { ok } from './school-fixtures.js';

/** Builders for the scan import specs: the upload as the portal sends it, and waiting for the pipeline. */

export interface UploadAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface UploadFile {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * POST /api/exams/:examId/scans as a browser form: the client's cookies, and its CSRF token in the
 * header unless `csrf: false`. `client` null is an anonymous caller.
 */
export const uploadScan = async (
  base: string,
  client: ApiClient | null,
  examId: string,
  files: readonly UploadFile[],
  fields: Record<string, string> = {},
  options: { csrf?: boolean } = {},
): Promise<UploadAnswer> => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
  const headers: Record<string, string> = {};
  const cookies = ['korrigo_session', 'korrigo_csrf'].flatMap((name) => (client?.cookie(name) ? [`${name}=${client.cookie(name)}`] : []));
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  const csrf = client?.cookie('korrigo_csrf');
  if (csrf && options.csrf !== false) headers['x-csrf-token'] = decodeURIComponent(csrf);
  const response = await fetch(`${base}/api/exams/${examId}/scans`, { method: 'POST', headers, body: form });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: response.status, body };
};

export type ScanView = {
  scanId: string;
  fileName: string;
  mode: string;
  stage: string;
  done: number;
  total: number;
  pageCount: number;
  pagesPerCopy: number;
  copyCount: number;
  headersRead: number;
  autoIdentified: number | null;
  leftToDesk: number | null;
  warnings: string[];
  problem: { code: string; reason: string; page: number | null; stage: string | null } | null;
};

export const SCAN_FIELDS = `scanId fileName mode stage done total pageCount pagesPerCopy copyCount headersRead autoIdentified leftToDesk warnings
  problem { code reason page stage }`;

export const listScans = async (admin: ApiClient, examId: string): Promise<ScanView[]> =>
  ok(await admin.graphql<{ scans: ScanView[] }>(`query($e: ID!) { scans(examId: $e) { ${SCAN_FIELDS} } }`, { e: examId })).scans;

const FINISHED = new Set(['COMPLETED', 'FAILED', 'REJECTED']);

/** Polls the `scans` query until every scan named (or every scan of the exam) has finished, or throws after `timeoutMs`. */
export const waitForScans = async (
  admin: ApiClient,
  examId: string,
  scanIds: readonly string[] | null,
  timeoutMs = 180_000,
): Promise<ScanView[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scans = await listScans(admin, examId);
    const watched = scanIds ? scans.filter((scan) => scanIds.includes(scan.scanId)) : scans;
    if (watched.length > 0 && (!scanIds || watched.length === scanIds.length) && watched.every((scan) => FINISHED.has(scan.stage))) {
      return watched;
    }
    if (Date.now() > deadline) throw new Error(`scans still unfinished after ${timeoutMs} ms: ${JSON.stringify(watched)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

export const createExamFor = async (admin: ApiClient, className: string, title = 'Bac blanc de mathématiques'): Promise<string> =>
  ok(
    await admin.graphql<{ createExam: { examId: string } }>(
      `mutation($t: String!, $s: String!, $c: [String!]!) { createExam(title: $t, subject: $s, classNames: $c) { examId } }`,
      { t: title, s: 'Mathématiques', c: [className] },
    ),
  ).createExam.examId;
