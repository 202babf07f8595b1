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
}

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
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
  };
};
