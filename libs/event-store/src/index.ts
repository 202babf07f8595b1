export * from './event-store.port.js';
export * from './errors.js';
export * from './position.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
export { matchesFilter } from './postgres/postgres-subscription.js';
export { EventStoreDbStore, type EventStoreDbStoreOptions } from './eventstoredb/eventstoredb-store.js';
