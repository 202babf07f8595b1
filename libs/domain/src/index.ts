/**
 * The domain (DESIGN §4): deciders as pure functions — decide, evolve, initialState — with no
 * framework, database or store import.
 */
export * from './shared/event.js';
export * from './shared/domain-error.js';
export * from './shared/time.js';
