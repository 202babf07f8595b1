/**
 * A gRPC stand-in for EventStoreDB: the client's own generated service definitions served by
 * @grpc/grpc-js over the in-memory log. Only what the adapter uses is implemented (Streams.Append,
 * Streams.Read for streams, `$all` and `$all` subscriptions); every other method, ServerFeatures
 * included, answers UNIMPLEMENTED, which makes the client fall back to plain Append.
 */
import { randomUUID } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerWritableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { StandInLog, type ProposedRecord } from './standin-log.js';
import {
  appendResponse,
  checkpointInterval,
  confirmationResponse,
  checkpointResponse,
  eventResponse,
  expectedFromAppend,
  proposedFromAppend,
  readFromAll,
  readFromStream,
  recordFilter,
  streamName,
  streamNotFoundResponse,
} from './standin-proto.js';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
const BACKWARDS = streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
const UNBOUNDED = BigInt(Number.MAX_SAFE_INTEGER);

const failure = (code: status, details: string): Partial<ServiceError> => ({ code, details, message: details });

/** Writes with backpressure: waits for 'drain' unless the call goes away first. */
const send = async (call: ReadCall, message: ReadResp): Promise<void> => {
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
};

export class EsdbStandInServer {
  readonly log: StandInLog;
  private readonly server = new Server();
  private readonly subscriptions = new Set<ReadCall>();
  private stopped = false;

  constructor(positionOffset: bigint) {
    this.log = new StandInLog(positionOffset);
    // EventStoreDB writes its own records before any user event: the adapter must skip them.
    this.appendSystemEvent('$epoch-information', '$epoch-information', { epochNumber: 0 });
    this.appendSystemEvent('$users', '$User', { loginName: 'admin' });
    this.appendSystemEvent('$$$scavenges', '$metadata', { $maxAge: 2592000 });
    this.server.addService(streamsGrpc.StreamsService, {
      append: (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => this.append(call, callback),
      read: (call: ReadCall) => {
        this.read(call).catch((error: unknown) => call.emit('error', failure(status.INTERNAL, String(error))));
      },
    });
  }

  async listen(port: number): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  }

  /** A `$`-typed record in a `$` stream, as the server's own subsystems write them. */
  appendSystemEvent(streamId = '$stats-127.0.0.1:2113', type = '$statsCollected', data: object = { proc: {} }): void {
    const record: ProposedRecord = {
      eventId: randomUUID(),
      type,
      contentType: 'application/json',
      data: Buffer.from(JSON.stringify(data)),
      customMetadata: new Uint8Array(),
    };
    this.log.append(streamId, 'any', [record]);
  }

  /** Graceful: live subscriptions end with UNAVAILABLE (as a node shutting down does), then the server drains. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const call of this.subscriptions) call.emit('error', failure(status.UNAVAILABLE, 'Server is shutting down'));
    this.log.wakeAll();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  /** Abrupt: every connection is dropped at once, like a crashed node or a cut network. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.server.forceShutdown();
    this.log.wakeAll();
  }

  private append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void {
    let options: AppendReq.Options | undefined;
    const proposed: ProposedRecord[] = [];
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      else if (request.hasProposedMessage()) proposed.push(proposedFromAppend(request.getProposedMessage()!));
    });
    call.on('error', () => undefined); // the client went away: nothing was appended
    call.on('end', () => {
      if (!options) return callback(failure(status.INVALID_ARGUMENT, 'The first append message must carry the options'));
      const expected = expectedFromAppend(options);
      // All messages are in: the append is applied in one synchronous step, hence atomically.
      const outcome = this.log.append(streamName(options.getStreamIdentifier()), expected, proposed);
      callback(null, appendResponse(outcome, expected));
    });
  }

  private async read(call: ReadCall): Promise<void> {
    const options = call.request.getOptions();
    if (!options) return void call.emit('error', failure(status.INVALID_ARGUMENT, 'Read needs options'));
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    if (options.hasSubscription()) {
      if (!options.hasAll()) return void call.emit('error', failure(status.UNIMPLEMENTED, 'Stream subscriptions are not in the stand-in'));
      return this.subscribe(call, options, structuredIds);
    }
    const count = options.hasCount() ? BigInt(options.getCount()) : UNBOUNDED;
    const backwards = options.getReadDirection() === BACKWARDS;
    if (options.hasStream()) {
      const stream = options.getStream()!;
      const name = streamName(stream.getStreamIdentifier());
      const records = this.log.readStream(name, readFromStream(stream), backwards, count);
      if (!records) await send(call, streamNotFoundResponse(name));
      for (const record of records ?? []) await send(call, eventResponse(record, structuredIds, false));
    } else {
      // EventStoreDB counts after filtering: read unbounded, filter, then take `count`.
      const keep = recordFilter(options) ?? (() => true);
      const records = this.log.readAll(readFromAll(options.getAll()!), backwards, UNBOUNDED).filter(keep);
      for (const record of records.slice(0, Number(count))) await send(call, eventResponse(record, structuredIds, true));
    }
    call.end();
  }

  /** Catch-up then live: one loop over the log, which sleeps at its end until the next append. */
  private async subscribe(call: ReadCall, options: ReadReq.Options, structuredIds: boolean): Promise<void> {
    const all = options.getAll()!;
    const keep = recordFilter(options) ?? (() => true);
    const every = checkpointInterval(options);
    // From a position is exclusive for subscriptions: the first record strictly after it.
    let index = all.hasPosition()
      ? this.log.firstIndexAtOrAfter(BigInt(all.getPosition()!.getCommitPosition()) + 1n)
      : all.hasEnd()
        ? this.log.records.length
        : 0;
    let cancelled = false;
    let waiting: { cancel(): void } | undefined;
    call.on('cancelled', () => {
      cancelled = true;
      waiting?.cancel();
    });
    this.subscriptions.add(call);
    try {
      await send(call, confirmationResponse(randomUUID()));
      let scanned = 0;
      while (!cancelled && !this.stopped) {
        while (index < this.log.records.length && !cancelled && !this.stopped) {
          const record = this.log.records[index++]!;
          if (keep(record)) await send(call, eventResponse(record, structuredIds, true));
          if (++scanned % every === 0) await send(call, checkpointResponse(record.position));
        }
        if (cancelled || this.stopped) break;
        const next = this.log.nextAppend();
        waiting = next;
        await next.appended;
      }
    } finally {
      this.subscriptions.delete(call);
    }
  }
}
