/**
 * Starts the EventStoreDB gRPC stand-in for tests: `const esdb = await startEsdbStandIn();` then
 * connect with `esdb.url` (`esdb://127.0.0.1:<port>?tls=false`).
 */
import { EsdbStandInServer } from './standin-server.js';

export { startSilentServer, type SilentServer } from './silent-server.js';

export interface EsdbStandInOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** First log position; put it beyond 2^53 to prove positions never pass through a JS number. */
  readonly positionOffset?: bigint;
}

export interface EsdbStandIn {
  readonly url: string;
  readonly port: number;
  /** Appends a `$`-typed event to a `$` stream, as EventStoreDB's own subsystems do. */
  appendSystemEvent(streamId?: string, type?: string, data?: object): void;
  /** Graceful shutdown: live subscriptions end with UNAVAILABLE, then the server drains. */
  close(): Promise<void>;
  /** Abrupt shutdown: every connection dropped at once. */
  stop(): Promise<void>;
}

export const startEsdbStandIn = async (options: EsdbStandInOptions = {}): Promise<EsdbStandIn> => {
  const server = new EsdbStandInServer(options.positionOffset ?? 0n);
  const port = await server.listen(options.port ?? 0);
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    appendSystemEvent: (streamId, type, data) => server.appendSystemEvent(streamId, type, data),
    close: () => server.close(),
    stop: () => server.stop(),
  };
};
