/**
 * The client's errors, translated once into the port's (CONFLICT, NOT_FOUND, UNAVAILABLE), and the
 * timeout every call runs under: the client can wait forever on a server that accepts connections
 * but never answers.
 */
import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store.port.js';
import { EventStoreError, StoreUnavailableError, StreamNotFoundError, WrongExpectedRevisionError } from '../errors.js';

export interface ErrorContext {
  readonly streamId?: string;
  readonly expected?: ExpectedRevision;
}

/** gRPC status codes that mean "the server could not be reached or did not finish": CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE. */
const UNAVAILABLE_STATUS = new Set([1, 4, 14]);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** What a dropped HTTP/2 connection looks like when grpc-js reports it as INTERNAL rather than UNAVAILABLE. */
const DROPPED_CONNECTION = /RST_STREAM|Connection dropped|ECONNRESET|GOAWAY|write after end/i;

const isUnavailable = (error: unknown): boolean => {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof CancelledError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError
  ) {
    return true;
  }
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'number' && UNAVAILABLE_STATUS.has(code)) return true;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  return code === 13 && typeof message === 'string' && DROPPED_CONNECTION.test(message);
};

export const mapEsdbError = (error: unknown, context: ErrorContext = {}): unknown => {
  if (error instanceof EventStoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    const expected = context.expected ?? error.expectedVersion;
    return new WrongExpectedRevisionError(context.streamId ?? error.streamName, expected, error.actualVersion);
  }
  if (error instanceof EsdbStreamNotFoundError) return new StreamNotFoundError(context.streamId ?? error.streamName);
  if (isUnavailable(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`EventStoreDB unavailable: ${message}`, { cause: error });
  }
  return error;
};

/**
 * Runs `work` under `ms`: past it, `onTimeout` runs (to cancel what is still in flight) and the
 * caller gets StoreUnavailableError. A late answer from `work` is ignored.
 */
export const withTimeout = async <T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new StoreUnavailableError(`EventStoreDB did not answer ${what} within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};
