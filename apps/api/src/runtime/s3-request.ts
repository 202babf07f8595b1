import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EMPTY_SHA256, authorization, canonicalQuery, encodePath, toAmzDate } from './aws-sigv4.js';

/** Where the blobs go: any S3-compatible service (AWS, MinIO, Garage, Scaleway, OVH…). */
export interface S3Settings {
  /** `https://s3.fr-par.scw.cloud`, `http://minio:9000`… (a path after the host is kept as a base). */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Keys are stored as `<prefix><sha256>`; '' or a folder-like `korrigo/`. */
  readonly prefix: string;
  /** `<endpoint>/<bucket>/<key>` (MinIO, Garage) rather than `<bucket>.<endpoint host>/<key>`. */
  readonly forcePathStyle: boolean;
  /** A request whose socket stays silent this long is abandoned (and retried). Default 30 s. */
  readonly timeoutMs?: number;
  /** Tries per request on a network error, a timeout or a 5xx/429 answer. Default 4. */
  readonly maxAttempts?: number;
  /** First backoff, doubled at each retry. Default 250 ms. */
  readonly retryBaseMs?: number;
}

/** An S3 request that failed for good: says which operation, endpoint and bucket, and S3's error code. */
export class S3Error extends Error {
  readonly code = 'S3_ERROR';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly s3Code: string | undefined,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'S3Error';
  }
}

export interface S3Call {
  readonly method: 'GET' | 'HEAD' | 'PUT';
  /** The object's key, already prefixed; absent for a bucket-level call. */
  readonly key?: string;
  readonly query?: readonly (readonly [string, string])[];
  /** A fresh body for each attempt, its length and hex SHA-256. */
  readonly body?: { readonly open: () => Readable; readonly length: number; readonly sha256: string };
  /** Answers handed back to the caller; anything else is an error. */
  readonly accept: readonly number[];
  /** For messages: "GetObject 3fa2…". */
  readonly what: string;
  /** Overrides the settings' attempts and timeout (a health probe must answer fast). */
  readonly attempts?: number;
  readonly timeoutMs?: number;
}

const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'S3_TIMEOUT',
]);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Signed HTTP calls to one bucket, with timeouts and retries; the caller owns the response stream. */
export class S3Connection {
  private readonly base: URL;
  private readonly agent: http.Agent;
  readonly label: string;

  constructor(readonly settings: S3Settings) {
    this.base = new URL(settings.endpoint);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:')
      throw new Error(`S3_ENDPOINT must be an http(s) URL, got "${settings.endpoint}"`);
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 32 })
        : new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.label = `bucket "${settings.bucket}" at ${this.base.origin}`;
  }

  async send(call: S3Call): Promise<IncomingMessage> {
    const attempts = Math.max(1, call.attempts ?? this.settings.maxAttempts ?? 4);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(call);
      } catch (error) {
        const retryable = error instanceof S3Error ? error.retryable : RETRYABLE_NETWORK.has((error as NodeJS.ErrnoException).code ?? '');
        if (!retryable || attempt >= attempts) throw this.describe(call, error, attempt);
        const backoff = (this.settings.retryBaseMs ?? 250) * 2 ** (attempt - 1);
        await sleep(backoff / 2 + Math.random() * (backoff / 2));
      }
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private target(key: string | undefined): { host: string; path: string } {
    const basePath = this.base.pathname.replace(/\/+$/, '');
    if (this.settings.forcePathStyle)
      return { host: this.base.host, path: `${basePath}/${this.settings.bucket}${key === undefined ? '' : `/${key}`}` };
    return { host: `${this.settings.bucket}.${this.base.host}`, path: `${basePath}/${key ?? ''}` };
  }

  private once(call: S3Call): Promise<IncomingMessage> {
    const { host, path } = this.target(call.key);
    const encodedPath = encodePath(path);
    const query = call.query ?? [];
    const payloadHash = call.body?.sha256 ?? EMPTY_SHA256;
    const headers: Record<string, string> = {
      host,
      'x-amz-date': toAmzDate(new Date()),
      'x-amz-content-sha256': payloadHash,
      ...(call.body ? { 'content-length': String(call.body.length), 'content-type': 'application/octet-stream' } : {}),
    };
    const scope = { region: this.settings.region, service: 's3', amzDate: headers['x-amz-date']! };
    const signed = authorization({ method: call.method, path: encodedPath, query, headers, payloadHash }, scope, this.settings);
    const search = canonicalQuery(query);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = (this.base.protocol === 'https:' ? https : http).request({
        protocol: this.base.protocol,
        hostname: this.settings.forcePathStyle ? this.base.hostname : `${this.settings.bucket}.${this.base.hostname}`,
        port: this.base.port || undefined,
        method: call.method,
        path: search ? `${encodedPath}?${search}` : encodedPath,
        headers: { ...headers, authorization: signed },
        agent: this.agent,
      });
      const timeoutMs = call.timeoutMs ?? this.settings.timeoutMs ?? 30_000;
      request.setTimeout(timeoutMs, () => {
        const error = Object.assign(new Error(`no answer for ${timeoutMs} ms`), { code: 'S3_TIMEOUT' });
        request.destroy(error);
      });
      request.on('error', reject);
      request.once('response', (response) => {
        if (call.accept.includes(response.statusCode ?? 0)) return resolve(response);
        void readError(response).then(reject, reject);
      });
      if (call.body) pipeline(call.body.open(), request).catch((error: unknown) => request.destroy(error as Error));
      else request.end();
    });
  }

  private describe(call: S3Call, error: unknown, attempts: number): S3Error {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (error instanceof S3Error)
      return new S3Error(`S3 ${call.what} on ${this.label} failed${tries}: ${error.message}`, error.status, error.s3Code, error.retryable, {
        cause: error,
      });
    const reason = error instanceof Error ? error.message : String(error);
    const code = (error as NodeJS.ErrnoException).code;
    return new S3Error(`S3 ${call.what} on ${this.label} failed${tries}: ${code ? `${code} ` : ''}${reason}`, undefined, code, true, {
      cause: error,
    });
  }
}

/** S3's XML error body, e.g. `<Error><Code>SignatureDoesNotMatch</Code><Message>…</Message></Error>`. */
const readError = async (response: IncomingMessage): Promise<S3Error> => {
  const status = response.statusCode ?? 0;
  let body = '';
  for await (const chunk of response as AsyncIterable<Buffer>) if (body.length < 64 * 1024) body += chunk.toString('utf8');
  const s3Code = xmlValues(body, 'Code')[0] ?? (status === 404 ? 'NotFound' : status === 403 ? 'Forbidden' : undefined);
  const message = xmlValues(body, 'Message')[0];
  return new S3Error(
    `HTTP ${status}${s3Code ? ` ${s3Code}` : ''}${message ? `: ${message}` : ''}`,
    status,
    s3Code,
    status >= 500 || status === 429 || s3Code === 'RequestTimeout',
  );
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of every `<tag>…</tag>` in order; S3's answers are flat enough for this. */
export const xmlValues = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map(([, text]) =>
    (text ?? '').replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) =>
      name.startsWith('#x') || name.startsWith('#X')
        ? String.fromCodePoint(parseInt(name.slice(2), 16))
        : name.startsWith('#')
          ? String.fromCodePoint(Number(name.slice(1)))
          : (ENTITIES[name] ?? whole),
    ),
  );
