import type { KinesisStreamEvent, KinesisStreamRecord } from '../../runtime/records/lambda-events.js';
import { kinesisLambdaRecord } from '../esm/lambda-event.js';
import { SAMPLE_KINESIS_SEQUENCE_NUMBER } from './aws-sample-events.js';
import { isKinesisPayload, type KinesisPayload, payloadBytes } from './kinesis-payload.js';
import { type KplUserRecordInput, kplAggregate } from './kpl-aggregates.js';

/*
 * Builders for Lambda Kinesis events exactly as AWS documents them ("Using Lambda with Kinesis", sample
 * event): `Records[].kinesis{kinesisSchemaVersion, partitionKey, sequenceNumber, data (base64),
 * approximateArrivalTimestamp (float seconds)}`, `eventSource: 'aws:kinesis'`, `eventVersion: '1.0'`,
 * `eventID: '<shardId>:<sequenceNumber>'`, `eventName: 'aws:kinesis:record'`, `invokeIdentityArn`,
 * `awsRegion`, `eventSourceARN`. The record shape itself comes from the local ESM's `kinesisLambdaRecord`.
 */

/**
 * One Kinesis record to build: a payload plus optional identity overrides.
 *
 * @example
 * ```ts
 * const input: KinesisRecordInput = { json: { orderId: 'o-1' }, partitionKey: 'o-1', approximateArrivalTimestamp: 1_700_000_000.5 };
 * ```
 */
export type KinesisRecordInput = KinesisPayload & {
  /** Default `partition-key-1`. */
  readonly partitionKey?: string;
  /** Decimal string. Defaults to the next one of the shard (increasing, 56 digits like real ones). */
  readonly sequenceNumber?: string;
  /** Epoch seconds with milliseconds as a fraction, as in the event. Defaults to the builder's clock (+1 ms per record). */
  readonly approximateArrivalTimestamp?: number;
};

/**
 * Where {@link kinesisEvent}'s records come from.
 *
 * @example
 * ```ts
 * const options: KinesisEventOptions = { stream: 'clicks', shardId: 'shardId-000000000002', region: 'eu-west-1' };
 * ```
 */
export interface KinesisEventOptions {
  /** Stream name in `eventSourceARN`. Default `lambda-stream` (AWS's sample). */
  readonly stream?: string;
  /** Default `shardId-000000000006` (AWS's sample). */
  readonly shardId?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default `123456789012`. */
  readonly accountId?: string;
}

/**
 * Where a {@link KinesisEventFactory}'s records come from.
 *
 * @example
 * ```ts
 * new KinesisEventFactory({ streamName: 'clicks', firstSequenceNumber: '49590338271490256608559692538361571095921575989136588898' });
 * ```
 */
export interface KinesisEventFactoryOptions {
  /** Default `lambda-stream` (AWS's sample). */
  readonly streamName?: string | undefined;
  /** Default `shardId-000000000006` (AWS's sample). */
  readonly shardId?: string | undefined;
  /** Default `us-east-1`. */
  readonly region?: string | undefined;
  /** Default `123456789012`. */
  readonly accountId?: string | undefined;
  /** First sequence number (decimal string); later ones increase. Default: AWS's sample number. */
  readonly firstSequenceNumber?: string | undefined;
  /** Arrival time of the first record, epoch seconds. Default 1545084650.987 (AWS's sample). */
  readonly startArrivalTimestamp?: number | undefined;
}

/** Gap between generated sequence numbers: the low bits of real ones move by large, uneven steps. */
const SEQUENCE_STEP = 2_564_131_663_402_632_534n;

/**
 * Builds Lambda Kinesis records and events for one shard, with increasing, realistic sequence numbers
 * (56-digit decimals that compare correctly as `BigInt` and as equal-length strings) and arrival times.
 * Keep one factory per shard across several events to continue its sequence.
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
    this.nextArrivalMs = Math.round((options.startArrivalTimestamp ?? 1_545_084_650.987) * 1000);
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
    const arrivalMs =
      input.approximateArrivalTimestamp === undefined
        ? this.nextArrivalMs
        : Math.round(input.approximateArrivalTimestamp * 1000);
    this.nextArrivalMs = arrivalMs + 1;
    const record: KinesisStreamRecord = kinesisLambdaRecord({
      streamArn: this.streamArn,
      region: this.region,
      shardId: this.shardId,
      sequenceNumber,
      partitionKey: input.partitionKey ?? 'partition-key-1',
      data: 'base64' in input ? new Uint8Array(0) : payloadBytes(input),
      approximateArrivalMs: arrivalMs,
      invokeIdentityArn: `arn:aws:iam::${this.accountId}:role/lambda-role`,
    });
    if ('base64' in input) record.kinesis.data = input.base64;
    if (input.approximateArrivalTimestamp !== undefined) {
      record.kinesis.approximateArrivalTimestamp = input.approximateArrivalTimestamp;
    }
    return record;
  }

  /**
   * A Lambda record whose data is a KPL aggregate of `users` (see {@link kplAggregate}); its
   * `partitionKey` is the first user record's, as the KPL does.
   */
  aggregatedRecord(
    users: readonly KplUserRecordInput[],
    overrides: Pick<KinesisRecordInput, 'sequenceNumber' | 'approximateArrivalTimestamp'> = {},
  ): KinesisStreamRecord {
    const bytes = kplAggregate(users);
    return this.record({ ...overrides, bytes, partitionKey: users[0]?.partitionKey ?? 'partition-key-1' });
  }

  /** A Lambda Kinesis event; inputs may be payload inputs or records already built. */
  event(records: ReadonlyArray<KinesisRecordInput | KinesisStreamRecord>): KinesisStreamEvent {
    return { Records: records.map((r) => (isKinesisPayload(r) ? this.record(r) : r)) };
  }
}

/**
 * A Lambda Kinesis event of one shard, one record per input, in AWS's documented shape: `data` is the
 * base64 of the payload, sequence numbers increase, `eventID` is `<shardId>:<sequenceNumber>`. Put a KPL
 * aggregate in with `{ bytes: kplAggregate([...]) }`. Every call starts at the same first sequence number,
 * so two calls give records the same identities (a redelivery, to an idempotency store): to build several
 * different events of one shard, use one {@link KinesisEventFactory} or give `sequenceNumber`s.
 *
 * @example
 * ```ts
 * import { kinesisEvent, runProcessor } from 'shardflow/testing';
 *
 * const event = kinesisEvent(
 *   [{ json: { userId: 'u1', page: '/' }, partitionKey: 'u1' }, { text: 'not json', partitionKey: 'u2' }],
 *   { stream: 'clicks' },
 * );
 * const run = await runProcessor(clicks, event);
 * ```
 */
export function kinesisEvent(
  records: readonly KinesisRecordInput[],
  options: KinesisEventOptions = {},
): KinesisStreamEvent {
  const factory = new KinesisEventFactory({
    streamName: options.stream,
    shardId: options.shardId,
    region: options.region,
    accountId: options.accountId,
  });
  return factory.event(records);
}
