import { createHash } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * Builders for Lambda DynamoDB Streams events exactly as AWS documents them:
 * `Records[]{eventID, eventName: INSERT|MODIFY|REMOVE, eventVersion: '1.1', eventSource: 'aws:dynamodb',
 * awsRegion, dynamodb{ApproximateCreationDateTime (epoch seconds), Keys, NewImage?, OldImage?,
 * SequenceNumber, SizeBytes, StreamViewType}, eventSourceARN, userIdentity? (TTL deletes)}`.
 * Images are given as plain JavaScript objects and marshalled with `@aws-sdk/util-dynamodb`; binary
 * values are then written as base64 text, as the Lambda event (JSON) carries them.
 */

/** Stream view types of a DynamoDB stream. */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** A marshalled attribute map as it appears in a Lambda event. */
export type AttributeMap = Record<string, AttributeValue>;

/**
 * The sample DynamoDB event AWS ships (`sam local generate-event dynamodb update`; also shown in the
 * Lambda docs): INSERT (with the TTL `userIdentity`), MODIFY, REMOVE of item `Id: 101`.
 */
export const AWS_SAMPLE_DYNAMODB_EVENT: DynamoDBStreamEvent = {
  Records: [
    {
      eventID: 'c4ca4238a0b923820dcc509a6f75849b',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        Keys: { Id: { N: '101' } },
        NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
        ApproximateCreationDateTime: 1428537600,
        SequenceNumber: '4421584500000000017450439091',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
      userIdentity: { principalId: 'dynamodb.amazonaws.com', type: 'Service' },
    },
    {
      eventID: 'c81e728d9d4c2f636f067f89cc14862c',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        Keys: { Id: { N: '101' } },
        NewImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
        OldImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
        ApproximateCreationDateTime: 1428537600,
        SequenceNumber: '4421584500000000017450439092',
        SizeBytes: 59,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
    },
    {
      eventID: 'eccbc87e4b5ce2fe28308fd9f2a7baf3',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        Keys: { Id: { N: '101' } },
        OldImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
        ApproximateCreationDateTime: 1428537600,
        SequenceNumber: '4421584500000000017450439093',
        SizeBytes: 38,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
    },
  ],
};

/** `userIdentity` of a record written by DynamoDB's TTL process. */
export const TTL_USER_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/** One change to build. Images are plain objects, or `raw*` marshalled maps used verbatim (for bad input). */
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
  /** Defaults to the factory's next sequence number. */
  readonly sequenceNumber?: string;
  /** Epoch seconds; defaults to the factory clock (+1 s per record). */
  readonly approximateCreationDateTime?: number;
}

/** Where the factory's records come from. */
export interface DynamoDBEventFactoryOptions {
  readonly tableName?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** Stream label (creation time of the stream). */
  readonly streamLabel?: string;
  readonly streamViewType?: StreamViewType;
  /** First sequence number; later ones increase by one (fixed width, so string order = BigInt order). */
  readonly firstSequenceNumber?: string;
  /** Creation time of the first record, epoch seconds. Default 1704067200 (2024-01-01T00:00:00Z). */
  readonly startSeconds?: number;
}

/** Top-level fields of a tumbling-window event (`shardId`, `window`, `state`, …). */
export interface DynamoDBEventExtras {
  readonly shardId?: string;
  readonly [field: string]: unknown;
}

/**
 * Builds Lambda DynamoDB Streams records and events for one table's stream, with increasing sequence
 * numbers (`111100000000000000000001`, …), eventIDs and whole-second creation times. Images follow the
 * stream view type (`KEYS_ONLY` drops both images, `NEW_IMAGE` the old one, …).
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
  record(input: DynamoDBChangeInput): DynamoDBRecord {
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
    const stream: NonNullable<DynamoDBRecord['dynamodb']> = { ApproximateCreationDateTime: seconds, Keys: keys };
    if (newImage !== undefined) stream.NewImage = newImage;
    if (oldImage !== undefined) stream.OldImage = oldImage;
    stream.SequenceNumber = sequenceNumber;
    stream.SizeBytes = approximateSizeBytes(keys, newImage, oldImage);
    stream.StreamViewType = view;
    const record: DynamoDBRecord = {
      eventID: createHash('md5').update(`${this.streamArn}:${this.counter}`).digest('hex'),
      eventName: input.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      dynamodb: stream,
      eventSourceARN: this.streamArn,
    };
    if (input.ttl === true) record.userIdentity = { ...TTL_USER_IDENTITY };
    return record;
  }

  /** An INSERT of `newImage`. */
  insert(keys: Record<string, unknown>, newImage: Record<string, unknown>): DynamoDBRecord {
    return this.record({ eventName: 'INSERT', keys, newImage });
  }

  /** A MODIFY from `oldImage` to `newImage`. */
  modify(
    keys: Record<string, unknown>,
    oldImage: Record<string, unknown>,
    newImage: Record<string, unknown>,
  ): DynamoDBRecord {
    return this.record({ eventName: 'MODIFY', keys, oldImage, newImage });
  }

  /** A REMOVE of `oldImage`; `{ ttl: true }` marks it as a TTL expiry. */
  remove(
    keys: Record<string, unknown>,
    oldImage: Record<string, unknown>,
    options: { ttl?: boolean } = {},
  ): DynamoDBRecord {
    return this.record({ eventName: 'REMOVE', keys, oldImage, ttl: options.ttl ?? false });
  }

  /** A Lambda DynamoDB Streams event; `extras` adds top-level fields (tumbling windows: `shardId`, `window`, `state`). */
  event(records: readonly DynamoDBRecord[], extras: DynamoDBEventExtras = {}): DynamoDBStreamEvent {
    return { ...extras, Records: [...records] };
  }
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
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
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

/**
 * A copy of `record` without `dynamodb.SequenceNumber` (an unattributable record).
 *
 * @example
 * ```ts
 * withoutSequenceNumber(orders.insert({ id: '1' }, { id: '1' }));
 * ```
 */
export function withoutSequenceNumber(record: DynamoDBRecord): DynamoDBRecord {
  const { SequenceNumber: _dropped, ...stream } = record.dynamodb ?? {};
  return { ...record, dynamodb: stream };
}
