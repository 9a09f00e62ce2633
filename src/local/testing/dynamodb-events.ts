import { createHash } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type {
  AttributeValue,
  DynamoDBStreamChange,
  DynamoDBStreamEvent,
  DynamoDBStreamRecord,
} from '../../runtime/records/lambda-events.js';
import { dynamodbLambdaRecord } from '../esm/lambda-event.js';
import { toBase64 } from './kinesis-payload.js';

/*
 * Builders for Lambda DynamoDB Streams events exactly as AWS documents them:
 * `Records[]{eventID, eventName: INSERT|MODIFY|REMOVE, eventVersion: '1.1', eventSource: 'aws:dynamodb',
 * awsRegion, dynamodb{ApproximateCreationDateTime (epoch seconds), Keys, NewImage?, OldImage?,
 * SequenceNumber, SizeBytes, StreamViewType}, eventSourceARN, userIdentity? (TTL deletes)}`. The record
 * shape itself comes from the local ESM's `dynamodbLambdaRecord`. Images are given as plain JavaScript
 * objects and marshalled with `@aws-sdk/util-dynamodb`; binary values are then written as base64 text,
 * as the Lambda event (JSON) carries them.
 */

/**
 * Stream view types of a DynamoDB stream.
 *
 * @example
 * ```ts
 * const view: StreamViewType = 'NEW_AND_OLD_IMAGES';
 * ```
 */
export type StreamViewType = NonNullable<DynamoDBStreamChange['StreamViewType']>;

/**
 * A marshalled attribute map as it appears in a Lambda event.
 *
 * @example
 * ```ts
 * const keys: AttributeMap = { orderId: { S: 'o-1' } };
 * ```
 */
export type AttributeMap = Record<string, AttributeValue>;

/**
 * `userIdentity` of a record written by DynamoDB's TTL process.
 *
 * @example
 * ```ts
 * expect(record.userIdentity).toEqual(TTL_USER_IDENTITY);
 * ```
 */
export const TTL_USER_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/**
 * One change to build. Keys and images are plain objects (marshalled for you), or `raw*` marshalled maps
 * used verbatim (for bad input). Which images the record carries follows the stream view type.
 *
 * @example
 * ```ts
 * const change: DynamoDBChangeInput = {
 *   eventName: 'MODIFY',
 *   keys: { orderId: 'o-1' },
 *   oldImage: { orderId: 'o-1', status: 'NEW' },
 *   newImage: { orderId: 'o-1', status: 'PAID' },
 * };
 * ```
 */
export interface DynamoDBChangeInput {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly keys: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
  readonly rawKeys?: AttributeMap;
  readonly rawNewImage?: AttributeMap;
  readonly rawOldImage?: AttributeMap;
  /** A TTL expiry delete (adds the service `userIdentity`). */
  readonly ttl?: boolean;
  /** Defaults to the next sequence number of the stream. */
  readonly sequenceNumber?: string;
  /** Epoch seconds; defaults to the builder's clock (+1 s per record). */
  readonly approximateCreationDateTime?: number;
}

/**
 * Where {@link dynamodbEvent}'s records come from.
 *
 * @example
 * ```ts
 * const options: DynamoDBEventOptions = { table: 'orders', streamViewType: 'NEW_IMAGE' };
 * ```
 */
export interface DynamoDBEventOptions {
  /** Table name in `eventSourceARN`. Default `orders`. */
  readonly table?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default `NEW_AND_OLD_IMAGES`. */
  readonly streamViewType?: StreamViewType;
  /** Default `123456789012`. */
  readonly accountId?: string;
}

/**
 * Where a {@link DynamoDBEventFactory}'s records come from.
 *
 * @example
 * ```ts
 * new DynamoDBEventFactory({ tableName: 'orders', streamViewType: 'KEYS_ONLY', firstSequenceNumber: '500000000000000000001' });
 * ```
 */
export interface DynamoDBEventFactoryOptions {
  /** Default `orders`. */
  readonly tableName?: string | undefined;
  /** Default `us-east-1`. */
  readonly region?: string | undefined;
  /** Default `123456789012`. */
  readonly accountId?: string | undefined;
  /** Stream label (creation time of the stream). Default `2024-01-01T00:00:00.000`. */
  readonly streamLabel?: string | undefined;
  /** Default `NEW_AND_OLD_IMAGES`. */
  readonly streamViewType?: StreamViewType | undefined;
  /** First sequence number; later ones increase by one (fixed width, so string order = BigInt order). */
  readonly firstSequenceNumber?: string | undefined;
  /** Creation time of the first record, epoch seconds. Default 1704067200 (2024-01-01T00:00:00Z). */
  readonly startSeconds?: number | undefined;
}

/**
 * Top-level fields of a tumbling-window event (`shardId`, `window`, `state`, …).
 *
 * @example
 * ```ts
 * orders.event(records, { shardId: 'shardId-00000001', window: { start, end }, state: {} });
 * ```
 */
export interface DynamoDBEventExtras {
  readonly shardId?: string;
  readonly [field: string]: unknown;
}

/**
 * Builds Lambda DynamoDB Streams records and events for one table's stream, with increasing sequence
 * numbers (`111100000000000000000001`, …), eventIDs and whole-second creation times. Images follow the
 * stream view type (`KEYS_ONLY` drops both images, `NEW_IMAGE` the old one, …). Keep one factory per
 * stream across several events to continue its sequence.
 *
 * @example
 * ```ts
 * const orders = new DynamoDBEventFactory({ tableName: 'orders' });
 * const event = orders.event([
 *   orders.insert({ orderId: 'o-1' }, { orderId: 'o-1', status: 'NEW' }),
 *   orders.modify({ orderId: 'o-1' }, { orderId: 'o-1', status: 'NEW' }, { orderId: 'o-1', status: 'PAID' }),
 *   orders.remove({ orderId: 'o-1' }, { orderId: 'o-1', status: 'PAID' }, { ttl: true }),
 * ]);
 * ```
 */
export class DynamoDBEventFactory {
  readonly tableName: string;
  readonly region: string;
  readonly accountId: string;
  readonly streamLabel: string;
  readonly streamViewType: StreamViewType;
  private nextSequence: bigint;
  private nextSeconds: number;
  private counter = 0;

  constructor(options: DynamoDBEventFactoryOptions = {}) {
    this.tableName = options.tableName ?? 'orders';
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.streamLabel = options.streamLabel ?? '2024-01-01T00:00:00.000';
    this.streamViewType = options.streamViewType ?? 'NEW_AND_OLD_IMAGES';
    this.nextSequence = BigInt(options.firstSequenceNumber ?? '111100000000000000000001');
    this.nextSeconds = options.startSeconds ?? 1_704_067_200;
  }

  /** `arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>` */
  get streamArn(): string {
    return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${this.tableName}/stream/${this.streamLabel}`;
  }

  /** The next sequence number (consumes it). */
  nextSequenceNumber(): string {
    const value = this.nextSequence;
    this.nextSequence += 1n;
    return value.toString();
  }

  /** One Lambda DynamoDB Streams record. */
  record(input: DynamoDBChangeInput): DynamoDBStreamRecord {
    const sequenceNumber = input.sequenceNumber ?? this.nextSequenceNumber();
    const seconds = input.approximateCreationDateTime ?? this.nextSeconds;
    this.nextSeconds = seconds + 1;
    this.counter += 1;
    const keys = input.rawKeys ?? toAttributeMap(input.keys);
    const view = this.streamViewType;
    const withNew = view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES';
    const withOld = view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES';
    const newImage = withNew ? (input.rawNewImage ?? optionalAttributeMap(input.newImage)) : undefined;
    const oldImage = withOld ? (input.rawOldImage ?? optionalAttributeMap(input.oldImage)) : undefined;
    // The local ESM's builder is typed with the loose SDK attribute values; its output is an AttributeMap.
    return dynamodbLambdaRecord({
      streamArn: this.streamArn,
      region: this.region,
      eventID: createHash('md5').update(`${this.streamArn}:${this.counter}`).digest('hex'),
      eventName: input.eventName,
      sequenceNumber,
      keys,
      ...(newImage !== undefined ? { newImage } : {}),
      ...(oldImage !== undefined ? { oldImage } : {}),
      sizeBytes: approximateSizeBytes(keys, newImage, oldImage),
      streamViewType: view,
      approximateCreationMs: seconds * 1000,
      ...(input.ttl === true ? { userIdentity: { ...TTL_USER_IDENTITY } } : {}),
    }) as DynamoDBStreamRecord;
  }

  /** An INSERT of `newImage`. */
  insert(keys: Record<string, unknown>, newImage: Record<string, unknown>): DynamoDBStreamRecord {
    return this.record({ eventName: 'INSERT', keys, newImage });
  }

  /** A MODIFY from `oldImage` to `newImage`. */
  modify(
    keys: Record<string, unknown>,
    oldImage: Record<string, unknown>,
    newImage: Record<string, unknown>,
  ): DynamoDBStreamRecord {
    return this.record({ eventName: 'MODIFY', keys, oldImage, newImage });
  }

  /** A REMOVE of `oldImage`; `{ ttl: true }` marks it as a TTL expiry. */
  remove(
    keys: Record<string, unknown>,
    oldImage: Record<string, unknown>,
    options: { ttl?: boolean } = {},
  ): DynamoDBStreamRecord {
    return this.record({ eventName: 'REMOVE', keys, oldImage, ttl: options.ttl ?? false });
  }

  /** A Lambda DynamoDB Streams event; `extras` adds top-level fields (tumbling windows: `shardId`, `window`, `state`). */
  event(records: readonly DynamoDBStreamRecord[], extras: DynamoDBEventExtras = {}): DynamoDBStreamEvent {
    return { ...extras, Records: [...records] };
  }
}

/**
 * A Lambda DynamoDB Streams event of one table, one record per change, in AWS's documented shape: keys and
 * images marshalled to attribute values, sequence numbers increasing, `userIdentity` set on TTL deletes.
 * Every call starts at the same first sequence number and eventID, so two calls give records the same
 * identities (a redelivery, to an idempotency store): to build several different events of one table, use
 * one {@link DynamoDBEventFactory}.
 *
 * @example
 * ```ts
 * import { dynamodbEvent, runProcessor } from 'shardflow/testing';
 *
 * const event = dynamodbEvent(
 *   [
 *     { eventName: 'INSERT', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', status: 'NEW', totalCents: 1250 } },
 *     { eventName: 'REMOVE', keys: { orderId: 'o-1' }, oldImage: { orderId: 'o-1', status: 'NEW', totalCents: 1250 }, ttl: true },
 *   ],
 *   { table: 'orders' },
 * );
 * const run = await runProcessor(orderFacts, event);
 * ```
 */
export function dynamodbEvent(
  changes: readonly DynamoDBChangeInput[],
  options: DynamoDBEventOptions = {},
): DynamoDBStreamEvent {
  const factory = new DynamoDBEventFactory({
    tableName: options.table,
    region: options.region,
    streamViewType: options.streamViewType,
    accountId: options.accountId,
  });
  return factory.event(changes.map((change) => factory.record(change)));
}

/**
 * Marshals a plain object into the attribute map a Lambda event carries (binary values as base64 text).
 *
 * @example
 * ```ts
 * toAttributeMap({ id: 'o-1', n: 2, blob: Uint8Array.of(1) }); // { id: { S: 'o-1' }, n: { N: '2' }, blob: { B: 'AQ==' } }
 * ```
 */
export function toAttributeMap(item: Record<string, unknown>): AttributeMap {
  const marshalled = marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });
  return binariesToBase64(marshalled) as AttributeMap;
}

function optionalAttributeMap(item: Record<string, unknown> | undefined): AttributeMap | undefined {
  return item === undefined ? undefined : toAttributeMap(item);
}

function binariesToBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return toBase64(value);
  if (Array.isArray(value)) return value.map(binariesToBase64);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = binariesToBase64(inner);
    return out;
  }
  return value;
}

/** An approximation of `SizeBytes` (DynamoDB counts attribute names and values of keys and images). */
function approximateSizeBytes(keys: AttributeMap, newImage?: AttributeMap, oldImage?: AttributeMap): number {
  return Buffer.byteLength(JSON.stringify([keys, newImage ?? null, oldImage ?? null]));
}
