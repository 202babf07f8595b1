import { DomainError, type DomainErrorCode } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';

/**
 * given/when/then for deciders (Emmett style):
 *   given(decider, [events]).when(command).then([events])   or   .thenThrows('ILLEGAL_STATE')
 */
export const given = <S, C extends { type: string }, E extends { type: string }>(decider: Decider<S, C, E>, events: readonly E[]) => ({
  when: (command: C) => {
    const run = (): E[] => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
    return {
      then: (expected: readonly E[]): void => {
        expect(run()).toEqual(expected);
      },
      thenThrows: (code: DomainErrorCode, message?: RegExp): void => {
        let error: unknown;
        try {
          run();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe(code);
        if (message) expect((error as DomainError).message).toMatch(message);
      },
      events: run,
    };
  },
});
