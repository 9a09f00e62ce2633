import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { asBuffer } from './bytes.js';
import { KplDecodeError, KplDigestMismatchError, KplEmptyAggregateError, type RecordIdentity } from './errors.js';

/**
 * KPL aggregated records (https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md):
 * `F3 89 9A C2` magic, a protobuf `AggregatedRecord`, then the 16-byte MD5 digest of the protobuf.
 *
 * We decode the protobuf with the `AggregatedRecord` codec that `aws-kinesis-agg` builds from its own
 * `kpl.json` (protobufjs), rather than `deaggregateSync`: that API takes the base64 string and decodes
 * it a second time, re-encodes every user record's bytes to base64, and reports errors via callbacks.
 * Here the data is decoded once and user records are zero-copy views of it.
 */

/** A protobuf uint64 as protobufjs returns it (a `Long` when the `long` package is installed). */
type Uint64 = number | { toNumber(): number };

interface ProtoUserRecord {
  partition_key_index: Uint64;
  explicit_hash_key_index?: Uint64;
  data: Uint8Array;
}

interface ProtoAggregatedRecord {
  partition_key_table: string[];
  explicit_hash_key_table: string[];
  records: ProtoUserRecord[];
}

interface AggregatedRecordCodec {
  decode(bytes: Uint8Array): ProtoAggregatedRecord;
}

const requireCjs = createRequire(import.meta.url);
const { AggregatedRecord } = requireCjs('aws-kinesis-agg/lib/common.js') as { AggregatedRecord: AggregatedRecordCodec };

const MAGIC_0 = 0xf3;
const MAGIC_1 = 0x89;
const MAGIC_2 = 0x9a;
const MAGIC_3 = 0xc2;
const MAGIC_LENGTH = 4;
const DIGEST_LENGTH = 16;

/** One user record of a KPL aggregate. `data` is a view into the aggregate's buffer (a Node `Buffer`). */
export interface KplUserRecord {
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Uint8Array;
}

/**
 * Whether decoded Kinesis data starts with the KPL aggregation magic bytes `F3 89 9A C2`.
 *
 * @example
 * ```ts
 * isKplAggregate(Buffer.from('f3899ac2', 'hex')); // true
 * isKplAggregate(Buffer.from('{"a":1}')); // false
 * ```
 */
export function isKplAggregate(data: Uint8Array): boolean {
  return (
    data.length >= MAGIC_LENGTH &&
    data[0] === MAGIC_0 &&
    data[1] === MAGIC_1 &&
    data[2] === MAGIC_2 &&
    data[3] === MAGIC_3
  );
}

/**
 * Splits a KPL aggregated record into its user records, in order (index = sub-sequence number).
 * Verifies the MD5 digest first, then decodes the protobuf.
 *
 * Throws {@link KplDigestMismatchError}, {@link KplDecodeError} (too short, corrupt protobuf, key index
 * out of range) or {@link KplEmptyAggregateError}, each carrying `identity`.
 *
 * @example
 * ```ts
 * const users = deaggregateKpl(data, { sequenceNumber: record.kinesis.sequenceNumber });
 * users[1]?.partitionKey; // partition key of the second user record
 * ```
 */
export function deaggregateKpl(data: Uint8Array, identity: RecordIdentity): KplUserRecord[] {
  if (data.length < MAGIC_LENGTH + DIGEST_LENGTH) {
    throw new KplDecodeError(identity, `${data.length} bytes is shorter than magic + MD5 digest`);
  }
  const body = data.subarray(MAGIC_LENGTH, data.length - DIGEST_LENGTH);
  const carried = data.subarray(data.length - DIGEST_LENGTH);
  const computed = createHash('md5').update(body).digest();
  if (!computed.equals(carried)) {
    throw new KplDigestMismatchError(identity, computed.toString('hex'), asBuffer(carried).toString('hex'));
  }

  let message: ProtoAggregatedRecord;
  try {
    message = AggregatedRecord.decode(body);
  } catch (error) {
    throw new KplDecodeError(identity, 'corrupt or truncated protobuf', error);
  }

  const { partition_key_table: partitionKeys, explicit_hash_key_table: hashKeys, records } = message;
  if (records.length === 0) throw new KplEmptyAggregateError(identity);

  const users: KplUserRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as ProtoUserRecord;
    const partitionKey = partitionKeys[toIndex(record.partition_key_index)];
    if (partitionKey === undefined) {
      throw new KplDecodeError(
        { ...identity, subSequenceNumber: i },
        'partition_key_index outside the partition key table',
      );
    }
    let explicitHashKey: string | undefined;
    if (Object.hasOwn(record, 'explicit_hash_key_index') && record.explicit_hash_key_index !== undefined) {
      explicitHashKey = hashKeys[toIndex(record.explicit_hash_key_index)];
      if (explicitHashKey === undefined) {
        throw new KplDecodeError(
          { ...identity, subSequenceNumber: i },
          'explicit_hash_key_index outside the explicit hash key table',
        );
      }
    }
    users[i] = { partitionKey, explicitHashKey, data: asBuffer(record.data) };
  }
  return users;
}

function toIndex(value: Uint64): number {
  return typeof value === 'number' ? value : value.toNumber();
}
