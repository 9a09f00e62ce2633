import {
  type AggregatedRecordFields,
  aggregateUserRecords,
  encodeAggregatedRecord,
  frameKplBody,
  KPL_MAGIC as MAGIC,
} from '../esm/kpl-aggregate.js';
import { type KinesisPayload, payloadBytes } from './kinesis-payload.js';

/*
 * KPL aggregated records (magic `F3 89 9A C2` + protobuf `AggregatedRecord` + MD5 of the protobuf), well
 * formed and corrupt. Well-formed ones are packed by the local ESM's `aggregateUserRecords`, the same code
 * that aggregates records put into a local stream. Byte results are `Buffer`s at run time, typed
 * `Uint8Array` so that declarations need no `@types/node`.
 */

/**
 * One user record of a KPL aggregate: a payload, its partition key and optionally an explicit hash key.
 *
 * @example
 * ```ts
 * const user: KplUserRecordInput = { json: { n: 1 }, partitionKey: 'a', explicitHashKey: '340282366920938463463374607431768211455' };
 * ```
 */
export type KplUserRecordInput = KinesisPayload & {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
};

/**
 * The four magic bytes a KPL aggregate starts with (`F3 89 9A C2`).
 *
 * @example
 * ```ts
 * kplAggregate([{ text: 'a', partitionKey: 'k' }]).subarray(0, 4); // equals KPL_MAGIC
 * ```
 */
export const KPL_MAGIC: Uint8Array = MAGIC;

/**
 * The bytes of a KPL aggregated record holding `users`, as the Kinesis Producer Library writes them. A
 * Lambda record carrying them (`{ bytes: kplAggregate(users) }`) is de-aggregated by shardflow into one
 * record per user record (`subSequenceNumber` 0, 1, …).
 *
 * @example
 * ```ts
 * import { kinesisEvent, kplAggregate } from 'shardflow/testing';
 *
 * const bytes = kplAggregate([{ json: { n: 1 }, partitionKey: 'k1' }, { json: { n: 2 }, partitionKey: 'k2' }]);
 * const event = kinesisEvent([{ bytes, partitionKey: 'k1' }]);
 * ```
 */
export function kplAggregate(users: readonly KplUserRecordInput[]): Uint8Array {
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
 * A well-formed KPL aggregate (magic + protobuf + valid MD5) with the given key table and no user
 * records: shardflow quarantines it as `KplEmptyAggregateError`.
 *
 * @example
 * ```ts
 * kinesis.record({ bytes: kplEmptyAggregate(['k1']), partitionKey: 'k1' });
 * ```
 */
export function kplEmptyAggregate(partitionKeys: readonly string[] = ['partition-key-1']): Uint8Array {
  return withKplFrame(encodeAggregatedRecord({ partitionKeyTable: partitionKeys, records: [] }));
}

/**
 * A KPL aggregate (valid frame and MD5) built from raw protobuf fields: indexes are written as given,
 * so they may point outside the key tables.
 *
 * @example
 * ```ts
 * kplFromFields({ partitionKeyTable: ['k'], records: [{ partitionKeyIndex: 5, data: new Uint8Array([0x78]) }] });
 * ```
 */
export function kplFromFields(fields: AggregatedRecordFields): Uint8Array {
  return withKplFrame(encodeAggregatedRecord(fields));
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
export function kplTruncated(users: readonly KplUserRecordInput[], dropBytes = 3): Uint8Array {
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
export function kplWithBadDigest(users: readonly KplUserRecordInput[]): Uint8Array {
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
 * withKplFrame(Uint8Array.of(0x1a, 0x00)); // a record whose protobuf lacks required fields
 * ```
 */
export function withKplFrame(body: Uint8Array): Uint8Array {
  return frameKplBody(body);
}

/**
 * The protobuf body of a KPL aggregate (between magic and digest).
 *
 * @example
 * ```ts
 * kplBody(kplAggregate([{ text: 'a', partitionKey: 'k' }])); // AggregatedRecord protobuf bytes
 * ```
 */
export function kplBody(aggregate: Uint8Array): Uint8Array {
  return aggregate.subarray(4, aggregate.length - 16);
}
