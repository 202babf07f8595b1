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
  readonly scans: ScanConfig;
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
    scans: loadScanConfig(),
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
