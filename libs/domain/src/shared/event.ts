/**
 * Domain events and commands (DESIGN §4): plain immutable data. Events carry JSON values only (dates
 * as ISO strings); time and actor arrive in the command's metadata, never from a clock in here.
 */
export type Event<Type extends string, Data extends Record<string, unknown> = Record<string, never>> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export type Role = 'admin' | 'teacher' | 'student' | 'system';

export interface CommandMetadata {
  readonly actorId: string;
  readonly actorRole: Role;
  /** ISO-8601 time the command was issued; deciders compare leases and deadlines against it. */
  readonly now: string;
}

export type Command<Type extends string, Data extends Record<string, unknown> = Record<string, never>> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  metadata: CommandMetadata;
}>;

/** A decider (Emmett style): decide(command, state) → events; evolve folds events into state. */
export interface Decider<State, C extends { type: string }, E extends { type: string }> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: E) => State;
  readonly decide: (command: C, state: State) => E[];
}

export const fold = <State, E>(evolve: (state: State, event: E) => State, initial: State, events: readonly E[]): State =>
  events.reduce(evolve, initial);
