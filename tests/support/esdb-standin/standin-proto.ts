/**
 * Conversions between the stand-in's log and the protobuf messages the client ships
 * (`@eventstore/db-client/generated`): the wire format is the client's own, never a hand-written copy.
 */
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type {
  AppendReq,
  AppendResp as AppendRespType,
  ReadReq,
  ReadResp as ReadRespType,
} from '@eventstore/db-client/generated/streams_pb.js';
import type { UUID as UUIDType } from '@eventstore/db-client/generated/shared_pb.js';
import type { AppendOutcome, CurrentRevision, ExpectedRevision, ProposedRecord, ReadFrom, StoredRecord } from './standin-log.js';

const { AppendResp, ReadResp } = streamsPb;
const { Empty, StreamIdentifier, UUID } = sharedPb;

export type Uuid = UUIDType;

export const streamName = (identifier: { getStreamName_asU8(): Uint8Array } | undefined): string =>
  identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';

const streamIdentifier = (name: string) => new StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')));

/** The client sends ids as strings; EventStoreDB also accepts the structured (two int64) form. */
export const parseUuid = (uuid: UUIDType | undefined): string => {
  if (!uuid) return '';
  if (!uuid.hasStructured()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const hex = [structured.getMostSignificantBits(), structured.getLeastSignificantBits()]
    .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const formatUuid = (id: string, structured: boolean): UUIDType => {
  if (!structured) return new UUID().setString(id);
  const hex = id.replace(/-/g, '');
  const half = (part: string): string => BigInt.asIntN(64, BigInt(`0x${part}`)).toString(10);
  return new UUID().setStructured(
    new UUID.Structured().setMostSignificantBits(half(hex.slice(0, 16))).setLeastSignificantBits(half(hex.slice(16))),
  );
};

export const expectedFromAppend = (options: AppendReq.Options): ExpectedRevision => {
  if (options.hasRevision()) return BigInt(options.getRevision());
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return 'any';
};

export const proposedFromAppend = (message: AppendReq.ProposedMessage): ProposedRecord => {
  const metadata = message.getMetadataMap();
  return {
    eventId: parseUuid(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
};

export const appendResponse = (outcome: AppendOutcome, expected: ExpectedRevision): AppendRespType => {
  const response = new AppendResp();
  if (outcome.ok) {
    const success = new AppendResp.Success();
    if (outcome.revision === 'no_stream') success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.revision.toString());
    if (outcome.position === undefined) success.setNoPosition(new Empty());
    else
      success.setPosition(
        new AppendResp.Position().setCommitPosition(String(outcome.position)).setPreparePosition(String(outcome.position)),
      );
    return response.setSuccess(success);
  }
  return response.setWrongExpectedVersion(wrongExpectedVersion(outcome.current, expected));
};

const wrongExpectedVersion = (current: CurrentRevision, expected: ExpectedRevision): AppendRespType.WrongExpectedVersion => {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (current === 'no_stream') wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(current.toString());
  if (expected === 'any') wrong.setExpectedAny(new Empty());
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedRevision(expected.toString());
  return wrong;
};

export const readFromStream = (options: ReadReq.Options.StreamOptions): ReadFrom =>
  options.hasRevision() ? BigInt(options.getRevision()) : options.hasEnd() ? 'end' : 'start';

export const readFromAll = (options: ReadReq.Options.AllOptions): ReadFrom =>
  options.hasPosition() ? BigInt(options.getPosition()!.getCommitPosition()) : options.hasEnd() ? 'end' : 'start';

/** A recorded event as EventStoreDB sends it; `fromAll` reads also carry the position on the envelope. */
export const eventResponse = (record: StoredRecord, structuredIds: boolean, fromAll: boolean): ReadRespType => {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(formatUuid(record.eventId, structuredIds))
    .setStreamIdentifier(streamIdentifier(record.streamId))
    .setStreamRevision(record.revision.toString())
    .setCommitPosition(record.position.toString())
    .setPreparePosition(record.position.toString())
    .setData(record.data)
    .setCustomMetadata(record.customMetadata);
  recorded.getMetadataMap().set('type', record.type).set('content-type', record.contentType).set('created', record.created.toString());
  const event = new ReadResp.ReadEvent().setEvent(recorded);
  if (fromAll) event.setCommitPosition(record.position.toString());
  else event.setNoPosition(new Empty());
  return new ReadResp().setEvent(event);
};

export const streamNotFoundResponse = (name: string): ReadRespType =>
  new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name)));

export const confirmationResponse = (subscriptionId: string): ReadRespType =>
  new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId));

export const checkpointResponse = (position: bigint): ReadRespType =>
  new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString()));

/** The filter a subscription (or a filtered read) asked for; undefined when it asked for none. */
export const recordFilter = (options: ReadReq.Options): ((record: StoredRecord) => boolean) | undefined => {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const expression = filter.hasStreamIdentifier() ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) return undefined;
  const field = (record: StoredRecord): string => (filter.hasStreamIdentifier() ? record.streamId : record.type);
  const prefixes = expression.getPrefixList();
  if (prefixes.length > 0) return (record) => prefixes.some((prefix) => field(record).startsWith(prefix));
  const regex = new RegExp(expression.getRegex());
  return (record) => regex.test(field(record));
};

/** EventStoreDB checkpoints a filtered subscription every `max × multiplier` records it scanned. */
export const checkpointInterval = (options: ReadReq.Options): number => {
  const filter = options.getFilter();
  if (!filter) return Infinity;
  const window = filter.hasMax() ? filter.getMax() : 32;
  return Math.max(1, window * Math.max(1, filter.getCheckpointintervalmultiplier()));
};
