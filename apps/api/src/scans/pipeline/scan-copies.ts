import { type CopyState, type ScanCopy, copyDecider, copyStreamId } from '#domain';
import type { RecordedEvent } from '#event-store';
import type { Runtime } from '../../runtime/runtime.js';
import { loadStream } from '../../shared/execute-command.js';
import { mapLimited } from '../../shared/command-context.js';

/** One copy cut from the scan, as its own stream tells it now (an admin may have changed it meanwhile). */
export interface LoadedCopy {
  readonly copyId: string;
  readonly state: CopyState;
  readonly events: readonly RecordedEvent[];
}

export const loadCopies = (runtime: Runtime, copies: readonly ScanCopy[]): Promise<LoadedCopy[]> =>
  mapLimited(copies, 8, async ({ copyId }) => {
    const { state, events } = await loadStream(runtime.store, copyStreamId(copyId), copyDecider);
    return { copyId, state, events };
  });

/** Whether anyone (the pipeline or a person) has already decided on this copy's student. */
export const identificationDecided = (copy: LoadedCopy): boolean =>
  copy.state.studentId !== null ||
  copy.events.some((event) => event.type === 'StudentIdentified' || event.type === 'IdentificationCleared');

/** Merged into another copy at the desk: nothing more to read or identify. */
export const isDiscarded = (copy: LoadedCopy): boolean => copy.events.some((event) => event.type === 'CopyDiscarded');
