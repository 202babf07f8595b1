import path from 'node:path';
import type pg from 'pg';
import { PostgresEventStore } from '#event-store';
import { LocalBlobStore } from '../../apps/api/src/runtime/blob-store.js';
import { createProgress } from '../../ops/src/progress.js';
import { restore } from '../../ops/src/restore.js';
import { snapshot } from '../../ops/src/snapshot.js';
import { type PhaseCost, measured } from './support/cpu.js';
import { type Row, compare } from './support/timed.js';

/**
 * Section 4: the ops CLI's own snapshot of the generated store, and its restore into an empty
 * database of the same cluster (verify every hash, import, rebuild the read models, read everything
 * back and compare), then its import alone (again with --force, no read model to rebuild meanwhile).
 * The functions the CLI runs, not a copy of them.
 */

export interface SnapshotRestoreOptions {
  /** Where the archive and the blob folders go (removed with the bench's temporary folder). */
  readonly workDir: string;
  readonly clusterDir: string;
  readonly costs: PhaseCost[];
  readonly log: (line: string) => void;
}

export const benchSnapshotRestore = async (source: pg.Pool, target: pg.Pool, options: SnapshotRestoreOptions): Promise<Row[]> => {
  const progress = createProgress();
  const sourceStore = await PostgresEventStore.create(source);
  const targetStore = await PostgresEventStore.create(target);
  try {
    const archive = await measured(options.costs, 'ops snapshot', options.clusterDir, () =>
      snapshot(
        { store: sourceStore, pool: source, blobs: new LocalBlobStore(path.join(options.workDir, 'blobs')) },
        { out: path.join(options.workDir, 'bench.snapshot') },
        progress,
      ),
    );
    const restored = await measured(options.costs, 'ops restore (verify, import, rebuild, check)', options.clusterDir, () =>
      restore(
        { store: targetStore, pool: target, blobs: new LocalBlobStore(path.join(options.workDir, 'blobs-restored')) },
        archive.file,
        {},
        progress,
      ),
    );
    if (restored.events !== archive.events) throw new Error(`restored ${restored.events} events of the snapshot's ${archive.events}`);
    // The import on its own, without the rebuild that shares the machine with it above: again into
    // the same database (--force), with no read model to rebuild.
    const importAlone = await measured(options.costs, 'ops restore --force, import alone (no read models)', options.clusterDir, () =>
      restore(
        { store: targetStore, pool: target, blobs: new LocalBlobStore(path.join(options.workDir, 'blobs-restored')) },
        archive.file,
        { force: true, projections: [] },
        progress,
      ),
    );
    // A restore whose own check fails still has its timings; the row says it failed and why.
    const failed = restored.problems.length > 0;
    if (failed) options.log(`ops restore reported problems:\n  ${restored.problems.join('\n  ')}`);
    const verdict = (row: Row): Row =>
      failed ? { ...row, measure: `${row.measure} — CHECK FAILED: ${restored.problems[0]!.slice(0, 60)}`, ok: 'NO' } : row;
    return [
      compare('ops snapshot (whole store to one archive)', archive.events / archive.seconds, null),
      verdict(compare('ops restore, end to end (verify, import, rebuild, check)', restored.events / restored.seconds, null)),
      verdict(compare('ops restore, import part (importEvents)', restored.events / restored.importSeconds, null)),
      importAlone.problems.length > 0
        ? {
            ...compare('ops restore, import alone', importAlone.events / importAlone.importSeconds, null),
            measure: `ops restore, import alone — CHECK FAILED: ${importAlone.problems[0]!.slice(0, 60)}`,
            ok: 'NO',
          }
        : compare('ops restore, import alone (no rebuild alongside)', importAlone.events / importAlone.importSeconds, null),
    ];
  } finally {
    progress.close();
    await targetStore.close();
    await sourceStore.close();
  }
};
