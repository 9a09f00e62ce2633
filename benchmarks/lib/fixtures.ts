import { createHash } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { z } from 'zod';
import { dynamodbLambdaRecord, kinesisLambdaRecord } from '../../src/local/esm/lambda-event.js';

/** Region and ARNs the benchmark events carry (AWS's documented shapes, a fictional account). */
export const BENCH_REGION = 'us-east-1';
export const BENCH_KINESIS_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/bench-clicks';
export const BENCH_DYNAMODB_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/bench-clicks/stream/2026-01-01T00:00:00.000';

/** Bytes of JSON every benchmark payload is padded to (the "1 KB JSON records"). */
export const PAYLOAD_BYTES = 1024;

/** Distinct partition keys of a Kinesis benchmark batch (ordering groups for engines that keep order per key). */
export const PARTITION_KEYS = 100;

/**
 * The one zod schema every contender validates with: a click-stream event with nested objects, arrays,
 * enums and integers — the shape of a typical analytics record.
 */
export const BenchEvent = z.object({
  eventId: z.string(),
  userId: z.string(),
  sessionId: z.string(),
  type: z.enum(['view', 'add_to_cart', 'checkout', 'purchase']),
  occurredAt: z.string(),
  page: z.object({ url: z.string(), referrer: z.string().optional(), title: z.string() }),
  device: z.object({ os: z.string(), browser: z.string(), mobile: z.boolean() }),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), priceCents: z.number().int() })),
  tags: z.array(z.string()),
  note: z.string(),
});

/** A benchmark payload. */
export type BenchEventPayload = z.output<typeof BenchEvent>;

const TYPES = ['view', 'add_to_cart', 'checkout', 'purchase'] as const;

/**
 * The `i`-th benchmark payload, padded (via `note`) so that its JSON is exactly {@link PAYLOAD_BYTES}
 * bytes, or `bytes` when given. Deterministic: the same `i` gives the same payload.
 *
 * @example
 * ```ts
 * Buffer.byteLength(JSON.stringify(benchPayload(7))); // 1024
 * ```
 */
export function benchPayload(i: number, bytes = PAYLOAD_BYTES): BenchEventPayload {
  const base: BenchEventPayload = {
    eventId: `evt-${String(i).padStart(10, '0')}`,
    userId: `user-${i % PARTITION_KEYS}`,
    sessionId: `sess-${Math.floor(i / 7)}`,
    type: TYPES[i % TYPES.length]!,
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    page: {
      url: `https://shop.example.com/products/${i % 500}`,
      referrer: 'https://search.example.com/',
      title: 'Product',
    },
    device: { os: i % 2 === 0 ? 'iOS' : 'Android', browser: 'Safari', mobile: i % 3 !== 0 },
    items: [
      { sku: `SKU-${i % 97}`, quantity: 1 + (i % 3), priceCents: 1999 + (i % 50) * 10 },
      { sku: `SKU-${(i + 13) % 97}`, quantity: 1, priceCents: 499 },
    ],
    tags: ['campaign-spring', 'ab-test-b', i % 2 === 0 ? 'returning' : 'new'],
    note: '',
  };
  const padding = bytes - Buffer.byteLength(JSON.stringify(base));
  return { ...base, note: 'x'.repeat(Math.max(0, padding)) };
}

/**
 * Sequence number of the `i`-th record: 56 digits like Kinesis', increasing with `i`.
 *
 * @example
 * ```ts
 * kinesisSequenceNumber(1) > kinesisSequenceNumber(0); // true (same length, so string order is numeric order)
 * ```
 */
export function kinesisSequenceNumber(i: number): string {
  return `4959033827149025660855969253836157109592157598${String(i).padStart(10, '0')}`;
}

/** Options of {@link kinesisBenchEvent}. */
export interface KinesisBenchOptions {
  /** Build from these payloads instead of {@link benchPayload}. */
  readonly payload?: (i: number) => unknown;
  readonly shardId?: string;
  readonly streamArn?: string;
}

/**
 * A Lambda Kinesis event of `size` records with 1 KB JSON payloads, built with the local ESM's exact
 * record builder (`kinesisLambdaRecord`), one shard, {@link PARTITION_KEYS} partition keys.
 *
 * @example
 * ```ts
 * const event = kinesisBenchEvent(100);
 * event.Records.length; // 100
 * ```
 */
export function kinesisBenchEvent(size: number, options: KinesisBenchOptions = {}): KinesisStreamEvent {
  const arrival = Date.UTC(2026, 0, 1, 12);
  const records: KinesisStreamRecord[] = new Array(size);
  for (let i = 0; i < size; i++) {
    const payload = options.payload?.(i) ?? benchPayload(i);
    records[i] = kinesisLambdaRecord({
      streamArn: options.streamArn ?? BENCH_KINESIS_ARN,
      region: BENCH_REGION,
      shardId: options.shardId ?? 'shardId-000000000000',
      sequenceNumber: kinesisSequenceNumber(i),
      partitionKey: `user-${i % PARTITION_KEYS}`,
      data: Buffer.from(JSON.stringify(payload)),
      approximateArrivalMs: arrival + i,
    });
  }
  return { Records: records };
}

/** Options of {@link dynamodbBenchEvent}. */
export interface DynamoDBBenchOptions {
  /**
   * `alternate` (default): INSERT and MODIFY in turn (MODIFY carries an old image); `modify`: every record a
   * MODIFY with both images (what the handler suite measures).
   */
  readonly eventNames?: 'alternate' | 'modify';
}

/**
 * A Lambda DynamoDB Streams event of `size` records, alternating INSERT and MODIFY (MODIFY carries an
 * old image) or MODIFY only, `NEW_AND_OLD_IMAGES`, items of 1 KB of JSON marshalled with
 * `@aws-sdk/util-dynamodb`, built with the local ESM's exact record builder (`dynamodbLambdaRecord`).
 *
 * @example
 * ```ts
 * const event = dynamodbBenchEvent(10);
 * event.Records[1]?.eventName; // 'MODIFY'
 * dynamodbBenchEvent(10, { eventNames: 'modify' }).Records[0]?.dynamodb?.OldImage; // defined
 * ```
 */
export function dynamodbBenchEvent(size: number, options: DynamoDBBenchOptions = {}): DynamoDBStreamEvent {
  const created = Date.UTC(2026, 0, 1, 12);
  const records: DynamoDBRecord[] = new Array(size);
  for (let i = 0; i < size; i++) {
    const item = benchPayload(i);
    const modify = options.eventNames === 'modify' || i % 2 === 1;
    const newImage = marshall(item);
    const oldImage = modify ? marshall({ ...item, type: 'view' }) : undefined;
    records[i] = dynamodbLambdaRecord({
      streamArn: BENCH_DYNAMODB_ARN,
      region: BENCH_REGION,
      eventID: createHash('md5').update(String(i)).digest('hex'),
      eventName: modify ? 'MODIFY' : 'INSERT',
      sequenceNumber: String(100_000_000_000_000_000_000n + BigInt(i)),
      keys: marshall({ eventId: item.eventId }),
      newImage,
      ...(oldImage ? { oldImage } : {}),
      sizeBytes:
        Buffer.byteLength(JSON.stringify(newImage)) + (oldImage ? Buffer.byteLength(JSON.stringify(oldImage)) : 0),
      streamViewType: 'NEW_AND_OLD_IMAGES',
      approximateCreationMs: created + i * 1000,
    });
  }
  return { Records: records };
}
