import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  type AggregatedRecordFields,
  aggregateUserRecords,
  encodeAggregatedRecord,
  frameKplBody,
} from '../../src/local/esm/kpl-aggregate.js';

/**
 * Builders for Lambda Kinesis events exactly as AWS documents them ("Using Lambda with Kinesis",
 * sample event): `Records[].kinesis{kinesisSchemaVersion, partitionKey, sequenceNumber, data (base64),
 * approximateArrivalTimestamp (float seconds)}`, `eventSource: 'aws:kinesis'`, `eventVersion: '1.0'`,
 * `eventID: '<shardId>:<sequenceNumber>'`, `eventName: 'aws:kinesis:record'`, `invokeIdentityArn`,
 * `awsRegion`, `eventSourceARN`. Plus KPL aggregated records (via shardflow's own encoder,
 * `src/local/esm/kpl-aggregate.ts`) and corrupt inputs.
 */

/** The sequence number of AWS's sample Kinesis event; generated numbers continue from here. */
export const SAMPLE_KINESIS_SEQUENCE_NUMBER = '49590338271490256608559692538361571095921575989136588898';

/** AWS's documented sample Kinesis event, verbatim (data is "Hello, this is a test."). */
export const AWS_SAMPLE_KINESIS_EVENT: KinesisStreamEvent = {
  Records: [
    {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '1',
        sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
        data: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
        approximateArrivalTimestamp: 1545084650.987,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
      awsRegion: 'us-east-2',
      eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
    },
    {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '1',
        sequenceNumber: '49590338271490256608559692540925702759324208523137515618',
        data: 'VGhpcyBpcyBvbmx5IGEgdGVzdC4=',
        approximateArrivalTimestamp: 1545084711.166,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000006:49590338271490256608559692540925702759324208523137515618',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
      awsRegion: 'us-east-2',
      eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
    },
  ],
};

/**
 * The payload of a record: exactly one of `json` (serialised with `JSON.stringify`), `text` (UTF-8),
 * `bytes`, or `base64` (put in `data` verbatim — use it for corrupt data).
 */
export type KinesisPayload =
  | { readonly json: unknown }
  | { readonly text: string }
  | { readonly bytes: Uint8Array }
  | { readonly base64: string };

/** One record to build: a payload plus optional identity overrides. */
export type KinesisRecordInput = KinesisPayload & {
  readonly partitionKey?: string;
  /** Defaults to the factory's next sequence number. */
  readonly sequenceNumber?: string;
  /** Epoch milliseconds; defaults to the factory clock (+1 ms per record). */
  readonly arrivalMs?: number;
};

/** One user record of a KPL aggregate. */
export type KplUserRecordInput = KinesisPayload & {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
};

/** Where the factory's records come from. */
export interface KinesisEventFactoryOptions {
  readonly streamName?: string;
  readonly shardId?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** First sequence number (decimal string); later ones increase. Default: AWS's sample number. */
  readonly firstSequenceNumber?: string;
  /** Arrival time of the first record, epoch ms. Default 1545084650987 (AWS's sample). */
  readonly startArrivalMs?: number;
}

/** Gap between generated sequence numbers: the low bits of real ones move by large, uneven steps. */
const SEQUENCE_STEP = 2_564_131_663_402_632_534n;

/**
 * Builds Lambda Kinesis records and events for one shard, with increasing, realistic sequence numbers
 * (56-digit decimals that compare correctly as `BigInt` and as equal-length strings) and arrival times.
 *
 * @example
 * ```ts
 * const kinesis = new KinesisEventFactory({ streamName: 'clicks' });
 * const event = kinesis.event([{ json: { page: '/' }, partitionKey: 'user-1' }, { text: 'hello' }]);
 * const aggregated = kinesis.aggregatedRecord([
 *   { json: { n: 1 }, partitionKey: 'a' },
 *   { json: { n: 2 }, partitionKey: 'b', explicitHashKey: '340282366920938463463374607431768211455' },
 * ]);
 * ```
 */
export class KinesisEventFactory {
  readonly streamName: string;
  readonly shardId: string;
  readonly region: string;
  readonly accountId: string;
  private nextSequence: bigint;
  private nextArrivalMs: number;

  constructor(options: KinesisEventFactoryOptions = {}) {
    this.streamName = options.streamName ?? 'lambda-stream';
    this.shardId = options.shardId ?? 'shardId-000000000006';
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.nextSequence = BigInt(options.firstSequenceNumber ?? SAMPLE_KINESIS_SEQUENCE_NUMBER);
    this.nextArrivalMs = options.startArrivalMs ?? 1_545_084_650_987;
  }

  /** `arn:aws:kinesis:<region>:<account>:stream/<name>` */
  get streamArn(): string {
    return `arn:aws:kinesis:${this.region}:${this.accountId}:stream/${this.streamName}`;
  }

  /** The next sequence number this factory will use (and consumes it). */
  nextSequenceNumber(): string {
    const value = this.nextSequence;
    this.nextSequence += SEQUENCE_STEP;
    return value.toString();
  }

  /** One Lambda Kinesis record. */
  record(input: KinesisRecordInput): KinesisStreamRecord {
    const sequenceNumber = input.sequenceNumber ?? this.nextSequenceNumber();
    const arrivalMs = input.arrivalMs ?? this.nextArrivalMs;
    this.nextArrivalMs = arrivalMs + 1;
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: input.partitionKey ?? 'partition-key-1',
        sequenceNumber,
        data: payloadToBase64(input),
        approximateArrivalTimestamp: arrivalMs / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${this.shardId}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${this.accountId}:role/lambda-role`,
      awsRegion: this.region,
      eventSourceARN: this.streamArn,
    };
  }

  /**
   * A Lambda record whose data is a KPL aggregate of `users` (see {@link kplAggregate}); its
   * `partitionKey` is the first user record's, as the KPL does.
   */
  aggregatedRecord(
    users: readonly KplUserRecordInput[],
    overrides: Omit<KinesisRecordInput, keyof KinesisPayload | 'partitionKey'> = {},
  ): KinesisStreamRecord {
    const bytes = kplAggregate(users);
    return this.record({ ...overrides, bytes, partitionKey: users[0]?.partitionKey ?? 'partition-key-1' });
  }

  /** A Lambda Kinesis event; inputs may be payload inputs or records already built. */
  event(records: ReadonlyArray<KinesisRecordInput | KinesisStreamRecord>): KinesisStreamEvent {
    return { Records: records.map((r) => (isPayloadInput(r) ? this.record(r) : r)) };
  }
}

function isPayloadInput(value: KinesisRecordInput | KinesisStreamRecord): value is KinesisRecordInput {
  return 'json' in value || 'text' in value || 'bytes' in value || 'base64' in value;
}

function payloadToBase64(payload: KinesisPayload): string {
  if ('base64' in payload) return payload.base64;
  return payloadBytes(payload).toString('base64');
}

function payloadBytes(payload: KinesisPayload): Buffer {
  if ('json' in payload) return Buffer.from(JSON.stringify(payload.json) ?? 'null', 'utf8');
  if ('text' in payload) return Buffer.from(payload.text, 'utf8');
  if ('bytes' in payload) return Buffer.from(payload.bytes);
  return Buffer.from(payload.base64, 'base64');
}

export { KPL_MAGIC } from '../../src/local/esm/kpl-aggregate.js';

/**
 * The bytes of a KPL aggregated record holding `users` — what the KPL writes (see
 * `aggregateUserRecords` in src/local/esm/kpl-aggregate.ts, which this delegates to).
 *
 * @example
 * ```ts
 * const bytes = kplAggregate([{ text: 'a', partitionKey: 'k1' }, { text: 'b', partitionKey: 'k2' }]);
 * ```
 */
export function kplAggregate(users: readonly KplUserRecordInput[]): Buffer {
  if (users.length === 0) throw new Error('kplAggregate needs at least one user record (see kplEmptyAggregate)');
  return aggregateUserRecords(
    users.map((user) => ({
      partitionKey: user.partitionKey,
      data: payloadBytes(user),
      ...(user.explicitHashKey !== undefined ? { explicitHashKey: user.explicitHashKey } : {}),
    })),
  ).data;
}

/**
 * A well-formed KPL aggregate (magic + protobuf + valid MD5) with the given key tables and no user records.
 *
 * @example
 * ```ts
 * kinesis.record({ bytes: kplEmptyAggregate(['k1']), partitionKey: 'k1' });
 * ```
 */
export function kplEmptyAggregate(partitionKeys: readonly string[] = ['partition-key-1']): Buffer {
  return withKplFrame(encodeAggregatedRecord({ partitionKeyTable: partitionKeys, records: [] }));
}

/**
 * A KPL aggregate whose protobuf body is cut short by `dropBytes`, framed with a *valid* MD5 of the cut
 * body, so the digest check passes and protobuf decoding fails.
 *
 * @example
 * ```ts
 * kinesis.record({ bytes: kplTruncated([{ text: 'a', partitionKey: 'k' }]) });
 * ```
 */
export function kplTruncated(users: readonly KplUserRecordInput[], dropBytes = 3): Buffer {
  const body = kplBody(kplAggregate(users));
  return withKplFrame(body.subarray(0, Math.max(0, body.length - dropBytes)));
}

/**
 * A KPL aggregate with its MD5 digest corrupted (first digest byte flipped).
 *
 * @example
 * ```ts
 * kinesis.record({ bytes: kplWithBadDigest([{ text: 'a', partitionKey: 'k' }]) });
 * ```
 */
export function kplWithBadDigest(users: readonly KplUserRecordInput[]): Buffer {
  const bytes = Buffer.from(kplAggregate(users));
  const digestStart = bytes.length - 16;
  bytes[digestStart] = (bytes[digestStart] ?? 0) ^ 0xff;
  return bytes;
}

/**
 * Frames an arbitrary protobuf body as a KPL record: magic + body + MD5(body).
 *
 * @example
 * ```ts
 * withKplFrame(Buffer.from([0x1a, 0x00])); // a record whose protobuf lacks required fields
 * ```
 */
export function withKplFrame(body: Uint8Array): Buffer {
  return frameKplBody(body);
}

/**
 * A KPL aggregate (valid frame and MD5) built from raw protobuf fields: indexes are written as given,
 * so they may point outside the key tables.
 *
 * @example
 * ```ts
 * kplFromFields({ partitionKeyTable: ['k'], records: [{ partitionKeyIndex: 5, data: Buffer.from('x') }] });
 * ```
 */
export function kplFromFields(fields: AggregatedRecordFields): Buffer {
  return withKplFrame(encodeAggregatedRecord(fields));
}

/**
 * The protobuf body of a KPL aggregate (between magic and digest).
 *
 * @example
 * ```ts
 * kplBody(kplAggregate([{ text: 'a', partitionKey: 'k' }])); // AggregatedRecord protobuf bytes
 * ```
 */
export function kplBody(aggregate: Buffer): Buffer {
  return aggregate.subarray(4, aggregate.length - 16);
}

/** `kinesis.data` strings that are not valid base64 although Node would decode them without complaint. */
export const INVALID_BASE64 = {
  /** A character outside the alphabet. */
  badCharacter: 'eyJhIjox!fQ==',
  /** Length not a multiple of 4 (missing padding). */
  missingPadding: 'eyJhIjoxfQ',
  /** URL-safe alphabet (`-`, `_`), which Lambda never sends. */
  urlSafe: 'ab-_',
  /** Padding in the middle. */
  interiorPadding: 'QQ==QQ==',
} as const;

/** Bytes that are not valid UTF-8 (an overlong/invalid sequence: `C3 28`). */
export const INVALID_UTF8_BYTES: Uint8Array = Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]);

/**
 * A copy of `record` with `kinesis.data` replaced verbatim (e.g. by {@link INVALID_BASE64} values).
 *
 * @example
 * ```ts
 * withData(kinesis.record({ text: 'ok' }), INVALID_BASE64.badCharacter);
 * ```
 */
export function withData(record: KinesisStreamRecord, base64: string): KinesisStreamRecord {
  return { ...record, kinesis: { ...record.kinesis, data: base64 } };
}
