import { CSRF_COOKIE, CSRF_HEADER, readCookie } from '@/graphql/client';

/**
 * The scan upload (POST /api/exams/:examId/scans, multipart). XMLHttpRequest rather than fetch:
 * only it reports upload progress, and a class's PDF can take a minute to send on a school network.
 */
export type UploadMode = 'class' | 'single';

export interface UploadRequest {
  readonly examId: string;
  readonly files: readonly File[];
  readonly mode: UploadMode;
  /** Class mode only; one PDF per student is one copy per file. */
  readonly pagesPerCopy: number;
}

export interface AcceptedScan {
  readonly scanId: string;
  readonly fileName: string;
  readonly pageCount: number;
}

/** Why the server (or the network) refused the upload, as the API says it: `{ code, reason, page }`. */
export class ScanUploadError extends Error {
  constructor(
    /** HTTP status; 0 when the network failed, -1 when the upload was cancelled. */
    readonly status: number,
    /** ENCRYPTED, TOO_LARGE, CONFLICT… or NETWORK / ABORTED / INTERNAL for the portal's own. */
    readonly code: string,
    /** The server's French reason; empty when it gave none. */
    readonly reason: string,
    readonly page: number | null = null,
    readonly fileName: string | null = null,
  ) {
    super(`${status} ${code}${reason ? `: ${reason}` : ''}`);
    this.name = 'ScanUploadError';
  }

  get duplicate(): boolean {
    return this.status === 409 && this.code === 'CONFLICT';
  }
}

export interface UploadOptions {
  onProgress?(sent: number, total: number): void;
  readonly signal?: AbortSignal;
  /** Tests pass a stand-in. */
  readonly createRequest?: () => XMLHttpRequest;
}

const parse = (text: string): Record<string, unknown> => {
  try {
    const body = JSON.parse(text) as unknown;
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export const scanUploadUrl = (examId: string): string => `/api/exams/${encodeURIComponent(examId)}/scans`;

export const uploadScan = (request: UploadRequest, options: UploadOptions = {}): Promise<AcceptedScan[]> =>
  new Promise((resolve, reject) => {
    const form = new FormData();
    // Fields before files: the server reads the form as a stream.
    form.append('mode', request.mode);
    form.append('pagesPerCopy', String(request.pagesPerCopy));
    for (const file of request.files) form.append('file', file, file.name);

    const xhr = options.createRequest?.() ?? new XMLHttpRequest();
    xhr.open('POST', scanUploadUrl(request.examId));
    const token = readCookie(CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded, event.total);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        const scans = Array.isArray(body.scans) ? (body.scans as AcceptedScan[]) : [];
        resolve(scans);
        return;
      }
      const page = typeof body.page === 'number' ? body.page : null;
      const code = text(body.code) || (xhr.status >= 500 ? 'INTERNAL' : `HTTP_${xhr.status}`);
      reject(new ScanUploadError(xhr.status, code, text(body.reason), page, text(body.fileName) || null));
    };
    xhr.onerror = () => reject(new ScanUploadError(0, 'NETWORK', ''));
    xhr.onabort = () => reject(new ScanUploadError(-1, 'ABORTED', ''));
    if (options.signal?.aborted) {
      reject(new ScanUploadError(-1, 'ABORTED', ''));
      return;
    }
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
