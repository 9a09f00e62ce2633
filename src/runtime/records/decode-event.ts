import { ConfigError, UnsupportedEventError } from '../errors.js';
import { asObject, DecodeContext } from './decode-context.js';
import { decodeDynamoDBRecord, hasDynamoDBSequenceNumber } from './dynamodb-record.js';
import { decodeKinesisRecord, hasKinesisSequenceNumber } from './kinesis-record.js';
import type { DecodedEntry, StreamSourceType } from './stream-record.js';

/** Options of {@link decodeEvent}. */
export interface DecodeOptions {
  /**
   * Records bigger than this become `RecordTooLargeError` failures (Kinesis: decoded data bytes, before
   * KPL de-aggregation, computed from the base64 length so nothing is decoded; DynamoDB: `SizeBytes`).
   * Default: no limit.
   */
  readonly maxRecordBytes?: number | undefined;
}

/** Result of {@link decodeEvent}: one entry per record (per user record for KPL aggregates), in event order. */
export interface DecodedEvent {
  /** `undefined` only when the event has no records at all. */
  readonly source: StreamSourceType | undefined;
  readonly entries: DecodedEntry[];
  /**
   * At most one line, for sample events only (placeholder `eventSourceARN`s such as
   * `arn:aws:kinesis:EXAMPLE`): what the decoder accepted in them. Empty for events as AWS delivers them.
   */
  readonly warnings: readonly string[];
}

const KINESIS_EVENT_SOURCE = 'aws:kinesis';
const DYNAMODB_EVENT_SOURCE = 'aws:dynamodb';

function recordsOf(event: unknown): unknown[] {
  const records = asObject(event)?.Records;
  if (!Array.isArray(records)) throw new UnsupportedEventError('event has no Records array');
  return records;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

/**
 * The single source of all records, or `undefined` when there are no records. Records without an
 * `eventSource` are left out here (they become `MalformedRecordError` failures), but an unknown or a
 * second source makes the whole event unsupported.
 */
function sourceOfRecords(records: readonly unknown[]): StreamSourceType | undefined {
  let source: StreamSourceType | undefined;
  let seen: string | undefined;
  for (let i = 0; i < records.length; i++) {
    const eventSource = asObject(records[i])?.eventSource;
    if (eventSource === undefined) continue;
    let current: StreamSourceType;
    if (eventSource === KINESIS_EVENT_SOURCE) current = 'kinesis';
    else if (eventSource === DYNAMODB_EVENT_SOURCE) current = 'dynamodb';
    else
      throw new UnsupportedEventError(
        `Records[${i}].eventSource ${describe(eventSource)} is not aws:kinesis or aws:dynamodb`,
      );
    if (source === undefined) {
      source = current;
      seen = eventSource;
    } else if (current !== source) {
      throw new UnsupportedEventError(`event mixes sources: ${seen} and ${eventSource} (Records[${i}])`);
    }
  }
  if (source === undefined && records.length > 0) {
    throw new UnsupportedEventError('no record has an eventSource: cannot tell Kinesis from DynamoDB');
  }
  return source;
}

/**
 * Which stream source a Lambda event comes from. Throws `UnsupportedEventError` for anything that is not
 * a non-empty Kinesis or DynamoDB Streams event: no `Records` array, no records (there is no source to
 * tell; {@link decodeEvent} accepts that case), another `eventSource`, or records of both sources.
 *
 * @example
 * ```ts
 * detectSource({ Records: [{ eventSource: 'aws:kinesis', kinesis: { … } }] }); // 'kinesis'
 * ```
 */
export function detectSource(event: unknown): StreamSourceType {
  const source = sourceOfRecords(recordsOf(event));
  if (source === undefined) throw new UnsupportedEventError('event has no records: cannot tell its source');
  return source;
}

type RecordDecoder = (raw: unknown, index: number, context: DecodeContext, out: DecodedEntry[]) => void;

/**
 * A Lambda Kinesis or DynamoDB Streams event, decoded a range of records at a time: what lets the batch
 * engine decode, run and let go of a large batch in slices. The constructor checks the event itself
 * (throwing as {@link decodeEvent} does); the records are decoded only when {@link decodeRange} asks for
 * them, each exactly as {@link decodeEvent} decodes it (the per-event state, such as the kept-data budget
 * and the sample-event warning, spans all ranges).
 *
 * @example
 * ```ts
 * const decoder = new EventDecoder(event, { maxRecordBytes: 1_048_576 });
 * const entries: DecodedEntry[] = [];
 * for (let start = 0; start < decoder.length; start += 1000) {
 *   entries.length = 0;
 *   decoder.decodeRange(start, start + 1000, entries);
 * }
 * ```
 */
export class EventDecoder {
  /** `undefined` only when the event has no records at all. */
  readonly source: StreamSourceType | undefined;
  /** How many raw records the event has (a KPL aggregate is one). */
  readonly length: number;
  readonly #records: readonly unknown[];
  readonly #context: DecodeContext;
  readonly #decodeRecord: RecordDecoder;

  constructor(event: unknown, options?: DecodeOptions) {
    const maxRecordBytes = options?.maxRecordBytes ?? Number.POSITIVE_INFINITY;
    if (typeof maxRecordBytes !== 'number' || Number.isNaN(maxRecordBytes) || maxRecordBytes <= 0) {
      throw new ConfigError('maxRecordBytes', `must be a positive number, got ${describe(maxRecordBytes)}`);
    }
    const records = recordsOf(event);
    this.source = sourceOfRecords(records);
    this.#records = this.source === undefined ? [] : records;
    this.length = this.#records.length;
    const eventShardId = asObject(event)?.shardId;
    this.#context = new DecodeContext(maxRecordBytes, typeof eventShardId === 'string' ? eventShardId : undefined);
    this.#decodeRecord = this.source === 'kinesis' ? decodeKinesisRecord : decodeDynamoDBRecord;
  }

  /** Decodes raw records `start` (inclusive) to `end` (exclusive, clamped to the event) onto `out`, in order. */
  decodeRange(start: number, end: number, out: DecodedEntry[]): void {
    const stop = Math.min(end, this.length);
    for (let index = start; index < stop; index++) this.#decodeRecord(this.#records[index], index, this.#context, out);
  }

  /**
   * The first record without a sequence number, decoded (its `{ ok: false }` entry), or `undefined` when
   * every record has one. Such a record cannot be reported in `batchItemFailures`: its batch fails as a
   * whole, which must be known before any record of it runs. Reads one field per record; decodes nothing else.
   */
  firstWithoutSequenceNumber(): DecodedEntry | undefined {
    const has = this.source === 'kinesis' ? hasKinesisSequenceNumber : hasDynamoDBSequenceNumber;
    for (let index = 0; index < this.length; index++) {
      if (has(this.#records[index])) continue;
      const out: DecodedEntry[] = [];
      this.#decodeRecord(this.#records[index], index, this.#context, out);
      return out[0];
    }
    return undefined;
  }

  /** The sample-event warning (at most one line) for the records decoded so far; empty for AWS-delivered events. */
  warnings(): readonly string[] {
    return this.#context.warnings();
  }
}

/**
 * Decodes every record of a Lambda Kinesis or DynamoDB Streams event once, in event order.
 *
 * Each slot is `{ ok: true, record }` or `{ ok: false, failure }`: a bad record (invalid base64, corrupt
 * KPL aggregate, unknown attribute type, over `maxRecordBytes`, missing fields) never throws, it becomes
 * an `UndecodableRecord` with its identity filled in as far as it is known. KPL aggregates yield one
 * record per user record. `text()`/`json()` of Kinesis records decode lazily, at most once.
 *
 * Throws `UnsupportedEventError` when the event itself is not a stream event (see {@link detectSource});
 * `{ Records: [] }` gives `{ source: undefined, entries: [] }`. Throws `ConfigError` for an invalid option.
 *
 * @example
 * ```ts
 * const { source, entries } = decodeEvent(event, { maxRecordBytes: 1_048_576 });
 * for (const entry of entries) {
 *   if (entry.ok) console.log(entry.record.sequenceNumber, entry.record.partitionKey);
 *   else console.warn(entry.failure.error.name, entry.failure.sequenceNumber);
 * }
 * ```
 */
export function decodeEvent(event: unknown, options?: DecodeOptions): DecodedEvent {
  const decoder = new EventDecoder(event, options);
  const entries: DecodedEntry[] = [];
  decoder.decodeRange(0, decoder.length, entries);
  return { source: decoder.source, entries, warnings: decoder.warnings() };
}
