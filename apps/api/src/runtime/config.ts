import path from 'node:path';

/** The one config loader: every process (API, ops CLI, benchmarks) reads the same variables. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly dataDir: string;
  /** External PostgreSQL for read models (and the PostgreSQL event store); embedded when absent. */
  readonly databaseUrl: string | undefined;
  /** EventStoreDB connection string; the PostgreSQL event store when absent. */
  readonly eventStoreUrl: string | undefined;
  readonly eventStoreTimeoutMs: number;
  readonly embeddedPgPort: number;
  /** /api/health/ready fails when a projection is further behind than this. */
  readonly readyMaxLagSeconds: number;
  /** METRICS_TOKEN: Prometheus scrapes /metrics with it as a Bearer token; unset, only a signed-in admin reads /metrics. */
  readonly metricsToken: string | undefined;
  readonly scans: ScanConfig;
  /** PDF_WORKERS: threads building corrected-copy PDFs off the API's event loop (default 1; 0: one per core). */
  readonly pdfWorkers: number;
  /** AI-suggested scores (issue 6): off (null) unless OPENAI_API_KEY and OPENAI_MODEL are set. */
  readonly ai: AiConfig | null;
  /** S3-compatible blob storage (S3_*); blobs under `<dataDir>/blobs` when null. */
  readonly s3: S3Config | null;
}

/** A bucket on AWS, MinIO, Garage, Scaleway, OVH…: all four of endpoint, bucket and keys, or none. */
export interface S3Config {
  readonly endpoint: string;
  readonly bucket: string;
  /** S3_REGION: the region signed into each request (default us-east-1; Garage: its `s3_region`). */
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** S3_PREFIX: keys are `<prefix><sha256>`, to share a bucket (default none). */
  readonly prefix: string;
  /** S3_FORCE_PATH_STYLE (default true): `<endpoint>/<bucket>/<key>`; false: `<bucket>.<endpoint host>/<key>`. */
  readonly forcePathStyle: boolean;
}

/** An OpenAI-compatible vision model (OPENAI_BASE_URL: a school's own server) and how hard to press it. */
export interface AiConfig {
  readonly baseURL: string | undefined;
  readonly apiKey: string;
  readonly model: string;
  /** AI_TIMEOUT_MS: one call to the provider (default 60 s). */
  readonly timeoutMs: number;
  /** AI_MAX_ATTEMPTS: calls per request when the provider times out, is busy (429) or fails (5xx). */
  readonly maxAttempts: number;
  /** AI_RETRY_BASE_MS: the first backoff, doubled at each retry. */
  readonly retryBaseMs: number;
  /** AI_CONCURRENCY: calls in flight at once in this process. */
  readonly concurrency: number;
  /** AI_QUEUE_LIMIT: requests waiting beyond those in flight; more are refused. */
  readonly queueLimit: number;
  /** AI_RATE_PER_MINUTE: requests per exam and minute. */
  readonly ratePerMinute: number;
}

/** Scan import (DESIGN §7). */
export interface ScanConfig {
  /** SCAN_MAX_BYTES: an upload is cut off past this size (default 300 MiB). */
  readonly maxBytes: number;
  readonly maxPages: number;
  /** Per page; a page that takes longer fails the scan (RENDER_TIMEOUT). */
  readonly renderTimeoutMs: number;
  /** Render worker threads; 0: one per core. */
  readonly renderWorkers: number;
  /** Heap of a render worker: a page needing more fails (RENDER_MEMORY) without harming the API. */
  readonly renderWorkerMemoryMb: number;
  /** tesseract.js workers reading headers; 0: one per core. */
  readonly ocrWorkers: number;
  /** SCAN_PIPELINE=off: this process takes uploads but leaves the processing to other replicas. */
  readonly pipeline: boolean;
  /** 'vision' sends header crops (minors' names) to an OpenAI-compatible endpoint: off unless asked for. */
  readonly headerReader: 'tesseract' | 'vision';
  readonly vision: { readonly baseURL: string | undefined; readonly apiKey: string; readonly model: string } | null;
  /** Roster matching: auto-identify only above the threshold and this far ahead of the runner-up. */
  readonly matchThreshold: number;
  readonly matchMargin: number;
}

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
};

const fraction = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a number between 0 and 1, got "${raw}"`);
  return value;
};

const nonEmpty = (name: string): string | undefined => {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
};

/** A shared secret: long enough not to be found by trying. */
const secret = (name: string, minLength: number): string | undefined => {
  const value = nonEmpty(name);
  if (value !== undefined && value.length < minLength) throw new Error(`${name} must be at least ${minLength} characters long`);
  return value;
};

export const loadConfig = (): Config => {
  const env = process.env.NODE_ENV === 'production' ? 'production' : process.env.NODE_ENV === 'test' ? 'test' : 'development';
  return {
    env,
    port: int('PORT', 3000),
    dataDir: path.resolve(nonEmpty('DATA_DIR') ?? '.data'),
    databaseUrl: nonEmpty('DATABASE_URL'),
    eventStoreUrl: nonEmpty('EVENTSTORE_URL'),
    eventStoreTimeoutMs: int('EVENTSTORE_TIMEOUT_MS', 10_000),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 5488),
    readyMaxLagSeconds: int('READY_MAX_LAG_SECONDS', 30),
    metricsToken: secret('METRICS_TOKEN', 16),
    scans: loadScanConfig(),
    pdfWorkers: int('PDF_WORKERS', 1),
    ai: loadAiConfig(),
    s3: loadS3Config(),
  };
};

const loadS3Config = (): S3Config | null => {
  const required = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
  const optional = ['S3_REGION', 'S3_PREFIX', 'S3_FORCE_PATH_STYLE'];
  const missing = required.filter((name) => !nonEmpty(name));
  if (missing.length === required.length) {
    const stray = optional.filter((name) => nonEmpty(name));
    if (stray.length > 0) throw new Error(`${stray.join(', ')} set without S3_ENDPOINT: S3 storage needs ${required.join(', ')}`);
    return null;
  }
  if (missing.length > 0) throw new Error(`S3 storage needs ${required.join(', ')}; missing: ${missing.join(', ')}`);
  const endpoint = nonEmpty('S3_ENDPOINT')!;
  if (!/^https?:\/\/[^/]/.test(endpoint)) throw new Error(`S3_ENDPOINT must be an http:// or https:// URL, got "${endpoint}"`);
  const pathStyle = (nonEmpty('S3_FORCE_PATH_STYLE') ?? 'true').toLowerCase();
  if (pathStyle !== 'true' && pathStyle !== 'false') throw new Error(`S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`);
  return {
    endpoint,
    bucket: nonEmpty('S3_BUCKET')!,
    region: nonEmpty('S3_REGION') ?? 'us-east-1',
    accessKeyId: nonEmpty('S3_ACCESS_KEY_ID')!,
    secretAccessKey: nonEmpty('S3_SECRET_ACCESS_KEY')!,
    prefix: nonEmpty('S3_PREFIX') ?? '',
    forcePathStyle: pathStyle === 'true',
  };
};

const loadAiConfig = (): AiConfig | null => {
  const apiKey = nonEmpty('OPENAI_API_KEY');
  const model = nonEmpty('OPENAI_MODEL');
  if (!apiKey || !model) return null;
  return {
    baseURL: nonEmpty('OPENAI_BASE_URL'),
    apiKey,
    model,
    timeoutMs: Math.max(1, int('AI_TIMEOUT_MS', 60_000)),
    maxAttempts: Math.max(1, int('AI_MAX_ATTEMPTS', 3)),
    retryBaseMs: int('AI_RETRY_BASE_MS', 1_000),
    concurrency: Math.max(1, int('AI_CONCURRENCY', 2)),
    queueLimit: int('AI_QUEUE_LIMIT', 20),
    ratePerMinute: Math.max(1, int('AI_RATE_PER_MINUTE', 30)),
  };
};

const loadScanConfig = (): ScanConfig => {
  const headerReader = nonEmpty('HEADER_READER') ?? 'tesseract';
  if (headerReader !== 'tesseract' && headerReader !== 'vision')
    throw new Error(`HEADER_READER must be tesseract or vision, got "${headerReader}"`);
  const apiKey = nonEmpty('OPENAI_API_KEY');
  const model = nonEmpty('OPENAI_MODEL');
  if (headerReader === 'vision' && (!apiKey || !model)) throw new Error('HEADER_READER=vision needs OPENAI_API_KEY and OPENAI_MODEL');
  return {
    maxBytes: int('SCAN_MAX_BYTES', 300 * 1024 * 1024),
    maxPages: int('SCAN_MAX_PAGES', 1000),
    renderTimeoutMs: int('SCAN_RENDER_TIMEOUT_MS', 20_000),
    renderWorkers: int('SCAN_RENDER_WORKERS', 0),
    renderWorkerMemoryMb: Math.max(1, int('SCAN_WORKER_MEMORY_MB', 1024)),
    ocrWorkers: int('OCR_WORKERS', 0),
    pipeline: nonEmpty('SCAN_PIPELINE') !== 'off',
    headerReader,
    vision: headerReader === 'vision' && apiKey && model ? { baseURL: nonEmpty('OPENAI_BASE_URL'), apiKey, model } : null,
    matchThreshold: fraction('MATCH_THRESHOLD', 0.85),
    matchMargin: fraction('MATCH_MARGIN', 0.12),
  };
};
