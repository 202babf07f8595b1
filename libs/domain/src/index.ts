/**
 * The domain (DESIGN §4): deciders as pure functions — decide, evolve, initialState — with no
 * framework, database or store import. The deciders arrive with the domain issue; this file marks
 * the library's entry point.
 */
export {};
