import { decodeBase64Binary, decodedBase64Length } from './base64.js';
import { asBuffer } from './bytes.js';
import { asObject, type DecodeContext, stringField, undecodable } from './decode-context.js';
import {
  InvalidBase64Error,
  InvalidJsonError,
  InvalidUtf8Error,
  MalformedRecordError,
  type RecordIdentity,
  RecordTooLargeError,
} from './errors.js';
import { deaggregateKpl, isKplAggregate, type KplUserRecord } from './kpl.js';
import type { KinesisStreamRecord } from './lambda-events.js';
import type { DecodedEntry, KinesisRecord } from './stream-record.js';

/**
 * Fatal decoder: throws on invalid UTF-8 instead of inserting U+FFFD. Shared (decoding is synchronous).
 * On 840-byte ASCII JSON it costs ~240 ns vs ~200 ns for `buffer.toString()`, which does not validate.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Marks a memo slot that has not been computed yet (`undefined` is a valid JSON-less state). */
const NOT_YET = Symbol('not yet');

/**
 * A decoded Kinesis record (or one KPL user record). `text()` and `json()` decode lazily, at most once,
 * and remember a failure as well as a value. Memo slots are `#private`, so they do not show up in logs.
 *
 * @example
 * ```ts
 * const [entry] = decodeEvent(event).entries;
 * if (entry?.ok && entry.record.source === 'kinesis') entry.record.json();
 * ```
 */
export class DecodedKinesisRecord implements KinesisRecord {
  // `declare`d: the constructor creates each field once, in this order (a class field would first be
  // defined as `undefined` and then assigned: two stores per field and record).
  declare readonly source: 'kinesis';
  declare readonly eventName: 'aws:kinesis:record';
  declare readonly index: number;
  declare readonly eventID: string;
  declare readonly eventSourceARN: string;
  declare readonly awsRegion: string;
  declare readonly shardId: string;
  declare readonly sequenceNumber: string;
  declare readonly subSequenceNumber: number | undefined;
  declare readonly partitionKey: string;
  declare readonly explicitHashKey: string | undefined;
  declare readonly streamName: string;
  declare readonly approximateArrivalMs: number;
  declare readonly sizeBytes: number;
  declare readonly raw: KinesisStreamRecord;
  /**
   * The bytes: given for a KPL user record, otherwise decoded from `raw.kinesis.data` on first read of
   * {@link DecodedKinesisRecord.data} (a JSON processor never reads them: its text is decoded straight
   * from the base64, see `#decodeText`).
   */
  #data: Uint8Array | undefined;
  /** The data as a binary string (one char per byte), kept from the decoder's check until the text is decoded. */
  #binary: string | undefined;
  #text: string | typeof NOT_YET = NOT_YET;
  #json: unknown = NOT_YET;
  #failure: Error | undefined;

  constructor(
    raw: KinesisStreamRecord,
    index: number,
    shardId: string,
    streamName: string,
    partitionKey: string,
    subSequenceNumber: number | undefined,
    explicitHashKey: string | undefined,
    data: Uint8Array | undefined,
    sizeBytes: number,
    binary?: string,
  ) {
    this.source = 'kinesis';
    this.eventName = 'aws:kinesis:record';
    this.index = index;
    this.eventID = raw.eventID;
    this.eventSourceARN = raw.eventSourceARN;
    this.awsRegion = raw.awsRegion;
    this.shardId = shardId;
    this.sequenceNumber = raw.kinesis.sequenceNumber;
    this.subSequenceNumber = subSequenceNumber;
    this.partitionKey = partitionKey;
    this.explicitHashKey = explicitHashKey;
    this.streamName = streamName;
    this.approximateArrivalMs = Math.round(raw.kinesis.approximateArrivalTimestamp * 1000);
    this.sizeBytes = sizeBytes;
    this.raw = raw;
    this.#data = data;
    this.#binary = binary;
  }

  /** The record's bytes (the user record's for KPL aggregates). Decoded on first read, then kept. */
  get data(): Uint8Array {
    // Validated as canonical base64 by decodeKinesisRecord, so Node's lenient decoder gives the same bytes.
    this.#data ??= Buffer.from(this.raw.kinesis.data, 'base64');
    return this.#data;
  }

  /** `data` as UTF-8 text; throws {@link InvalidUtf8Error}. Decoded at most once. */
  text(): string {
    if (this.#text !== NOT_YET) return this.#text;
    this.#text = this.#decodeText();
    return this.#text;
  }

  /** `data` parsed as JSON; throws {@link InvalidJsonError} (or {@link InvalidUtf8Error}). Parsed at most once. */
  json(): unknown {
    if (this.#json !== NOT_YET) return this.#json;
    this.#json = this.parseJson();
    return this.#json;
  }

  /**
   * `data` parsed as JSON like {@link DecodedKinesisRecord.json}, but the value is not kept (the text neither):
   * what the engine validates and then drops, so that a batch's parsed payloads do not live until the
   * batch ends (that retention was a third of a 100-record batch's garbage-collection time, and most of
   * it at 10 000 records). Returns the kept value when `json()` was called before; a failure is kept.
   */
  parseJson(): unknown {
    if (this.#json !== NOT_YET) return this.#json;
    if (this.#failure !== undefined) throw this.#failure;
    const text = this.#text !== NOT_YET ? this.#text : this.#decodeText();
    try {
      return JSON.parse(text);
    } catch (error) {
      this.#failure = new InvalidJsonError(this.identity(), error);
      throw this.#failure;
    }
  }

  /** Decodes `data` as UTF-8 (not kept); throws {@link InvalidUtf8Error}, which is kept. */
  #decodeText(): string {
    if (this.#failure instanceof InvalidUtf8Error) throw this.#failure;
    let bytes = this.#data;
    if (bytes === undefined) {
      // Straight from the base64, without a Buffer: when every byte is ASCII (its UTF-8 length is its
      // length), the binary string is the text; otherwise its bytes are decoded as UTF-8 below.
      const binary = this.#binary ?? atob(this.raw.kinesis.data);
      this.#binary = undefined;
      if (Buffer.byteLength(binary, 'utf8') === binary.length) return binary;
      bytes = Buffer.from(binary, 'latin1');
    }
    // Node's native decoder replaces invalid sequences with U+FFFD. Only when a U+FFFD shows up
    // (invalid bytes, or a real U+FFFD in the data) does the strict decoder decide.
    const text = asBuffer(bytes).toString('utf8');
    if (text.includes('\uFFFD')) {
      try {
        utf8.decode(bytes);
      } catch (error) {
        this.#failure = new InvalidUtf8Error(this.identity(), bytes.length, error);
        throw this.#failure;
      }
    }
    return text;
  }

  private identity(): RecordIdentity {
    return { eventID: this.eventID, sequenceNumber: this.sequenceNumber, subSequenceNumber: this.subSequenceNumber };
  }
}

type ShapeProblem = readonly [field: string, problem: string];

const NOT_AN_OBJECT: ShapeProblem = ['record', 'is not an object'];
const NO_EVENT_SOURCE: ShapeProblem = ['eventSource', 'is missing'];
const NO_PAYLOAD: ShapeProblem = ['kinesis', 'is missing'];
const NO_SEQUENCE_NUMBER: ShapeProblem = ['kinesis.sequenceNumber', 'is missing or empty'];
const NO_PARTITION_KEY: ShapeProblem = ['kinesis.partitionKey', 'is missing or empty'];
const NO_DATA: ShapeProblem = ['kinesis.data', 'is missing or not a string'];
const NO_ARRIVAL: ShapeProblem = ['kinesis.approximateArrivalTimestamp', 'is missing or not a number'];
const NO_EVENT_ID: ShapeProblem = ['eventID', 'is missing or empty'];
const BAD_EVENT_ID: ShapeProblem = ['eventID', 'is not "<shardId>:<sequenceNumber>"'];
const NO_ARN: ShapeProblem = ['eventSourceARN', 'is missing or empty'];
const BAD_ARN: ShapeProblem = ['eventSourceARN', 'is not a Kinesis stream ARN'];
const NO_REGION: ShapeProblem = ['awsRegion', 'is missing or not a string'];

/** The first documented field that is missing or mistyped (constants: no allocation on the happy path). */
function shapeProblem(
  record: Record<string, unknown> | undefined,
  payload: Record<string, unknown> | undefined,
  sequenceNumber: string | undefined,
  partitionKey: string | undefined,
  eventID: string | undefined,
  shardId: string | undefined,
  eventSourceARN: string | undefined,
  streamName: string | undefined,
): ShapeProblem | undefined {
  if (record === undefined) return NOT_AN_OBJECT;
  if (record.eventSource === undefined) return NO_EVENT_SOURCE;
  if (payload === undefined) return NO_PAYLOAD;
  if (sequenceNumber === undefined) return NO_SEQUENCE_NUMBER;
  if (partitionKey === undefined) return NO_PARTITION_KEY;
  if (typeof payload.data !== 'string') return NO_DATA;
  const arrival = payload.approximateArrivalTimestamp;
  if (typeof arrival !== 'number' || !Number.isFinite(arrival)) return NO_ARRIVAL;
  if (eventID === undefined) return NO_EVENT_ID;
  if (shardId === undefined) return BAD_EVENT_ID;
  if (eventSourceARN === undefined) return NO_ARN;
  if (streamName === undefined) return BAD_ARN;
  if (typeof record.awsRegion !== 'string') return NO_REGION;
  return undefined;
}

/** The sequence number of a raw record's `kinesis` object, `undefined` when missing or empty. */
function kinesisSequenceNumber(payload: Record<string, unknown> | undefined): string | undefined {
  return stringField(payload, 'sequenceNumber');
}

/**
 * Whether a raw Kinesis record has a sequence number, as {@link decodeKinesisRecord} reads it: a record
 * without one cannot be reported in `batchItemFailures`, so it fails its whole batch.
 *
 * @example
 * ```ts
 * hasKinesisSequenceNumber(event.Records[0]); // true for every record AWS delivers
 * ```
 */
export function hasKinesisSequenceNumber(raw: unknown): boolean {
  return kinesisSequenceNumber(asObject(asObject(raw)?.kinesis)) !== undefined;
}

/**
 * Decodes one Lambda Kinesis record into `out`: one entry, or one per user record of a KPL aggregate
 * (sharing the parent `sequenceNumber`, with `subSequenceNumber` 0..n-1). A record that cannot be decoded
 * becomes one `{ ok: false }` entry; this function never throws for bad record content.
 *
 * @example
 * ```ts
 * const out: DecodedEntry[] = [];
 * decodeKinesisRecord(event.Records[0], 0, new DecodeContext(Number.POSITIVE_INFINITY, undefined), out);
 * ```
 */
export function decodeKinesisRecord(raw: unknown, index: number, context: DecodeContext, out: DecodedEntry[]): void {
  const record = asObject(raw);
  const payload = asObject(record?.kinesis);
  const eventID = stringField(record, 'eventID');
  const eventSourceARN = stringField(record, 'eventSourceARN');
  const sequenceNumber = kinesisSequenceNumber(payload);
  const partitionKey = stringField(payload, 'partitionKey');
  const separator = eventID === undefined ? -1 : eventID.lastIndexOf(':');
  const shardId = separator > 0 ? eventID?.slice(0, separator) : undefined;
  const streamName = eventSourceARN === undefined ? undefined : context.streamName(eventSourceARN);

  const problem = shapeProblem(
    record,
    payload,
    sequenceNumber,
    partitionKey,
    eventID,
    shardId,
    eventSourceARN,
    streamName,
  );
  const error =
    problem === undefined
      ? pushDecoded(raw as KinesisStreamRecord, index, shardId as string, streamName as string, context, out)
      : new MalformedRecordError({ eventID, sequenceNumber }, problem[0], problem[1]);
  if (error !== undefined) {
    out.push(undecodable('kinesis', index, raw, eventID, eventSourceARN, shardId, sequenceNumber, partitionKey, error));
  }
}

/** Decodes a well-shaped record into `out`, or returns the decode error (nothing pushed). */
function pushDecoded(
  raw: KinesisStreamRecord,
  index: number,
  shardId: string,
  streamName: string,
  context: DecodeContext,
  out: DecodedEntry[],
): Error | undefined {
  const { data: base64, sequenceNumber, partitionKey } = raw.kinesis;
  const size = decodedBase64Length(base64);
  if (size !== undefined && size > context.maxRecordBytes) {
    return new RecordTooLargeError({ eventID: raw.eventID, sequenceNumber }, size, context.maxRecordBytes);
  }
  // Validated now (an invalid record is an undecodable entry, before anything runs). The decoded string is
  // kept for the record while the batch's kept data is small (DecodeContext.keepsDecoded); beyond, the
  // record decodes it again when it runs, so that a large batch's payloads are not all alive until it
  // ends. Even two `atob`s cost less than one `Buffer.from` (see base64.ts).
  const binary = decodeBase64Binary(base64);
  if (binary === undefined) return new InvalidBase64Error({ eventID: raw.eventID, sequenceNumber }, base64.length);

  if (!isKplAggregate(binary)) {
    const record = new DecodedKinesisRecord(
      raw,
      index,
      shardId,
      streamName,
      partitionKey,
      undefined,
      undefined,
      undefined,
      binary.length,
      context.keepsDecoded(binary.length) ? binary : undefined,
    );
    out.push({ ok: true, record });
    return undefined;
  }
  const data = Buffer.from(binary, 'latin1');
  let users: KplUserRecord[];
  try {
    users = deaggregateKpl(data, { eventID: raw.eventID, sequenceNumber });
  } catch (error) {
    return error as Error;
  }
  for (let i = 0; i < users.length; i++) {
    const user = users[i] as KplUserRecord;
    const record = new DecodedKinesisRecord(
      raw,
      index,
      shardId,
      streamName,
      user.partitionKey,
      i,
      user.explicitHashKey,
      user.data,
      user.data.length,
    );
    out.push({ ok: true, record });
  }
  return undefined;
}
