import { Registry } from './registry.js';

/**
 * The process's instruments, one registry per process as Prometheus clients do: the hooks in the
 * HTTP middleware, the GraphQL error formatter, the event store, sign-in and the scan pipeline record
 * here. Every label value is bounded by the code recording it (route patterns, schema fields, stream
 * categories, fixed outcome words); the registry's series cap is only a second line of defence.
 */
export const processRegistry = new Registry();

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const OCR_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];

export const metrics = {
  httpRequests: processRegistry.counter(
    'korrigo_http_requests_total',
    'HTTP requests answered, by method, matched route pattern, GraphQL root field and status.',
    ['method', 'route', 'operation', 'status'],
  ),
  httpDuration: processRegistry.histogram(
    'korrigo_http_request_duration_seconds',
    'Time from the request reaching the API to the last byte of its answer.',
    ['method', 'route', 'operation'],
    LATENCY_BUCKETS,
  ),
  graphqlErrors: processRegistry.counter('korrigo_graphql_errors_total', 'GraphQL errors sent to clients, by extensions.code.', ['code']),
  appends: processRegistry.counter('korrigo_event_appends_total', 'Appends to the event store, by stream category and outcome.', [
    'category',
    'outcome',
  ]),
  eventsAppended: processRegistry.counter('korrigo_events_appended_total', 'Events written to the event store, by stream category.', [
    'category',
  ]),
  appendDuration: processRegistry.histogram(
    'korrigo_event_append_duration_seconds',
    'Time of one append to the event store (failed ones included).',
    [],
    LATENCY_BUCKETS,
  ),
  signIns: processRegistry.counter(
    'korrigo_sign_in_attempts_total',
    'Sign-in attempts by portal and outcome (success, refused, throttled).',
    ['portal', 'outcome'],
  ),
  scans: processRegistry.counter(
    'korrigo_scans_processed_total',
    'Scan pipeline runs by outcome (completed, rejected, failed, paused: a transient failure retried later).',
    ['outcome'],
  ),
  pagesRendered: processRegistry.counter('korrigo_scan_pages_rendered_total', 'Scan pages rendered and stored.'),
  ocrDuration: processRegistry.histogram(
    'korrigo_ocr_header_read_seconds',
    'Time to read one copy header, by engine.',
    ['engine'],
    OCR_BUCKETS,
  ),
  collectErrors: processRegistry.counter(
    'korrigo_metrics_collect_errors_total',
    'Scrape-time figures that could not be read and were left out of a scrape.',
    ['collector'],
  ),
};

/** A label value from a fixed vocabulary: anything else (a bug, a hostile input) is `other`. */
export const oneOf = <T extends string>(value: string, allowed: readonly T[]): T | 'other' =>
  (allowed as readonly string[]).includes(value) ? (value as T) : 'other';
