import { randomUUID } from 'node:crypto';
import type { Decider } from '#domain';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type Position,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '#event-store';
import { FoldCache } from './fold-cache.js';

export interface Actor {
  readonly actorId: string;
  readonly actorRole: 'admin' | 'teacher' | 'student' | 'system';
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface Executed<State, E> {
  readonly state: State;
  readonly events: readonly E[];
  /** Where the last event landed in `$all` (null when the command changed nothing): read-your-writes waits for it. */
  readonly position: Position | null;
  readonly revision: bigint | null;
}

const SCHEMA_VERSION = 1;
/** Commands fold only what was appended since their stream's last command in this process. */
const FOLDS = new FoldCache();

/** Reads a stream and folds it; an absent stream is the initial state at no revision. */
export const loadStream = async <State, E extends { type: string }>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, E>, 'initialState' | 'evolve'>,
): Promise<{ state: State; revision: bigint | null; events: RecordedEvent[] }> => {
  let events: RecordedEvent[] = [];
  try {
    events = await store.readStream(streamId);
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  const state = events.reduce(
    (folded, event) => decider.evolve(folded, { type: event.type, data: event.data } as unknown as E),
    decider.initialState(),
  );
  return { state, revision: events.length > 0 ? events[events.length - 1]!.revision : null, events };
};

/**
 * The command path (DESIGN §2): read the stream, fold, decide, append at the revision read. When
 * someone else appended meanwhile, decide again on the fresh state: the rules are re-checked, so a
 * lost race ends in the decider's own refusal (e.g. "locked by another corrector").
 */
export const executeCommand = async <State, C extends { type: string }, E extends { type: string; data: object }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, C, E>,
  command: C,
  actor: Actor,
  attempts = 4,
): Promise<Executed<State, E>> => {
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await FOLDS.load(store, streamId, decider);
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, events, position: null, revision };
    try {
      const result = await appendAs(store, streamId, events, actor, revision ?? 'no_stream');
      return { state: events.reduce(decider.evolve, state), events, position: result.position, revision: result.nextExpectedRevision };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= attempts) throw error;
    }
  }
};

/**
 * Appends events as `actor` did them, with the metadata every event carries (who, in which role,
 * correlation, when, schema version): the one place an event envelope is built.
 */
export const appendAs = (
  store: EventStore,
  streamId: string,
  events: readonly { type: string; data: object }[],
  actor: Actor,
  expected: ExpectedRevision,
  occurredAt = new Date().toISOString(),
): Promise<AppendResult> => {
  const correlationId = actor.correlationId ?? randomUUID();
  return store.append(
    streamId,
    events.map((event) => ({
      eventId: randomUUID(),
      type: event.type,
      data: event.data as never,
      metadata: {
        actorId: actor.actorId,
        actorRole: actor.actorRole,
        correlationId,
        causationId: actor.causationId ?? correlationId,
        occurredAt,
        schemaVersion: SCHEMA_VERSION,
      },
    })),
    expected,
  );
};
