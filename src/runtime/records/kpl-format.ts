/**
 * The KPL aggregated record format (https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md),
 * shared by the decoder (`kpl.ts`) and the local encoder (`src/local/esm/kpl-aggregate.ts`):
 * `F3 89 9A C2` magic, a protobuf (proto2) `AggregatedRecord`, then the 16-byte MD5 digest of the protobuf.
 *
 * ```proto
 * message AggregatedRecord {
 *   repeated string partition_key_table     = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records                 = 3;
 * }
 * message Record {
 *   required uint64 partition_key_index     = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes  data                    = 3;
 *   repeated Tag    tags                    = 4;
 * }
 * message Tag {
 *   required string key   = 1;
 *   optional string value = 2;
 * }
 * ```
 */

/** The four magic bytes every KPL aggregated record starts with. */
export const KPL_MAGIC_BYTES = [0xf3, 0x89, 0x9a, 0xc2] as const;

/** Length of the trailing MD5 digest of the protobuf body. */
export const KPL_DIGEST_LENGTH = 16;

/** Field numbers of `AggregatedRecord`. */
export const AggregatedRecordField = { partitionKeyTable: 1, explicitHashKeyTable: 2, records: 3 } as const;

/** Field numbers of `Record` (one user record). */
export const UserRecordField = { partitionKeyIndex: 1, explicitHashKeyIndex: 2, data: 3, tags: 4 } as const;

/** Field numbers of `Tag`. */
export const TagField = { key: 1, value: 2 } as const;
