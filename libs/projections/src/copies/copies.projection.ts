import type { ClientBase } from 'pg';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '../runner/projection.js';
import { COPIES_DDL, COPIES_TABLES, COPY_EVENT_TYPES } from './copies.schema.js';
import { loadFold, writeFold } from './copies.store.js';

/**
 * Copies and what correctors put on them (see copies.schema.ts). A batch is applied set-based: the
 * rows its copies have are read once, its events fold into them in order (copies.fold.ts), and what
 * changed is written back in a few statements per table (copies.store.ts). Idempotent by stream
 * revision: every event first moves the copy's row to its revision, and an event the row has already
 * passed changes nothing, so a batch applied twice leaves the same rows.
 */
export const copiesProjection: Projection = {
  name: 'copies',
  // 2: masked page images, header crops, page transfers between copies, discarded copies. 3: corrected-copy PDFs.
  // 4: the current reopening (reason, admin, date) kept for the corrector until the next finalisation.
  version: 4,
  eventTypes: COPY_EVENT_TYPES,
  tables: COPIES_TABLES,
  async setup(db: ClientBase) {
    await db.query(COPIES_DDL);
  },
  async apply(db: ClientBase, events: readonly RecordedEvent[]) {
    const fold = await loadFold(db, events);
    for (const event of events) fold.apply(event);
    await writeFold(db, fold);
  },
};
