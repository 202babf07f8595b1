/**
 * Imported first by the API bench: the API runs as deployed (the Dockerfile sets NODE_ENV=production).
 * It must be set before graphql-js loads: it picks its development checks (a costly `instanceOf` on
 * every value) from NODE_ENV once, when the module is evaluated.
 */
process.env.NODE_ENV = 'production';

export {};
