import type { Decider } from '#domain';
import { type EventStore, type RecordedEvent, StreamNotFoundError } from '#event-store';

type Evolver<State, E> = Pick<Decider<State, never, E & { type: string }>, 'initialState' | 'evolve'>;

type StreamReader = Pick<EventStore, 'readStream'>;

interface Folded {
  readonly state: unknown;
  readonly revision: bigint;
  /** The id of the event at `revision`: if the store no longer has it there, the fold is thrown away. */
  readonly lastEventId: string;
}

/** Streams kept per decider: the copies being corrected right now, with room to spare. */
const MAX_STREAMS = 256;

/**
 * The folded state of recently commanded streams, so a command reads only the events appended
 * since: without it, a stroke saved on a copy holding 500 annotations reads and folds all 500 again
 * (the reading is most of a save's time, and the fold grows with the copy). Safe across replicas and
 * restores: every load reads the stream from the cached revision on, and the cached fold is used only
 * if the event found at that revision is the one it was folded up to; otherwise the stream is read
 * whole. States are immutable values (the deciders' evolve builds new objects), so sharing them is safe.
 */
export class FoldCache {
  /** Per store, then per decider (a stream id names one stream of one store, folded by one decider). */
  private readonly folds = new WeakMap<StreamReader, WeakMap<object, Map<string, Folded>>>();

  async load<State, E>(
    store: StreamReader,
    streamId: string,
    decider: Evolver<State, E>,
  ): Promise<{ state: State; revision: bigint | null }> {
    let byDecider = this.folds.get(store);
    if (!byDecider) this.folds.set(store, (byDecider = new WeakMap()));
    let folds = byDecider.get(decider);
    if (!folds) byDecider.set(decider, (folds = new Map()));
    const cached = folds.get(streamId);
    const events = await readFrom(store, streamId, cached?.revision ?? 0n);
    const resumes = cached !== undefined && events[0]?.eventId === cached.lastEventId;
    const [start, tail] = resumes ? [cached.state as State, events.slice(1)] : [decider.initialState(), events];
    if (!resumes && cached) {
      folds.delete(streamId);
      if (cached.revision > 0n) return this.load(store, streamId, decider); // the stream is not what was cached: read it whole
    }
    const state = tail.reduce((folded, event) => decider.evolve(folded, { type: event.type, data: event.data } as never), start);
    const last = events[events.length - 1];
    if (!last) return { state, revision: null };
    folds.delete(streamId); // re-inserted last: the map's order is the order of use
    folds.set(streamId, { state, revision: last.revision, lastEventId: last.eventId });
    if (folds.size > MAX_STREAMS) folds.delete(folds.keys().next().value!);
    return { state, revision: last.revision };
  }
}

const readFrom = async (store: StreamReader, streamId: string, fromRevision: bigint): Promise<RecordedEvent[]> => {
  try {
    return await store.readStream(streamId, fromRevision > 0n ? { fromRevision } : undefined);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
};
