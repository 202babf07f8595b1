/** Injection tokens for what main.ts opens before Nest starts. */
export const RUNTIME = Symbol('RUNTIME');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
