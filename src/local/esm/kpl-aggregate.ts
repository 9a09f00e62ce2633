import { createHash } from 'node:crypto';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { AggregatedRecordField, KPL_MAGIC_BYTES, UserRecordField } from '../../runtime/records/kpl-format.js';

/** KPL aggregation magic bytes. */
export const KPL_MAGIC = Buffer.from(KPL_MAGIC_BYTES);

/** A user record to pack into a KPL aggregate. */
export interface UserRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly explicitHashKey?: string;
}

/**
 * The fields of a protobuf `AggregatedRecord`, as they go on the wire: key tables plus user records
 * that point into them by index. Indexes are written as given, not checked against the tables.
 */
export interface AggregatedRecordFields {
  readonly partitionKeyTable: readonly string[];
  readonly explicitHashKeyTable?: readonly string[];
  readonly records: readonly {
    readonly partitionKeyIndex: number | bigint;
    readonly explicitHashKeyIndex?: number | bigint | undefined;
    readonly data: Uint8Array;
  }[];
}

/**
 * Frames a protobuf `AggregatedRecord` body as the KPL writes it: magic + body + MD5(body).
 *
 * @example
 * ```ts
 * frameKplBody(Buffer.from([0x1a, 0x00]));
 * ```
 */
export function frameKplBody(body: Uint8Array): Buffer {
  const digest = createHash('md5').update(body).digest();
  return Buffer.concat([KPL_MAGIC, body, digest]);
}

/**
 * Encodes the protobuf body of a KPL aggregate (no magic, no digest) with `@bufbuild/protobuf`'s
 * `BinaryWriter`, fields in field-number order as the KPL writes them. Tags are never written.
 *
 * @example
 * ```ts
 * encodeAggregatedRecord({ partitionKeyTable: ['k'], records: [{ partitionKeyIndex: 0, data: Buffer.from('x') }] });
 * // Uint8Array [0x0a, 0x01, 0x6b, 0x1a, 0x05, 0x08, 0x00, 0x1a, 0x01, 0x78]
 * ```
 */
export function encodeAggregatedRecord(fields: AggregatedRecordFields): Uint8Array {
  const writer = new BinaryWriter();
  for (const key of fields.partitionKeyTable) {
    writer.tag(AggregatedRecordField.partitionKeyTable, WireType.LengthDelimited).string(key);
  }
  for (const key of fields.explicitHashKeyTable ?? []) {
    writer.tag(AggregatedRecordField.explicitHashKeyTable, WireType.LengthDelimited).string(key);
  }
  for (const record of fields.records) {
    writer.tag(AggregatedRecordField.records, WireType.LengthDelimited).fork();
    writer.tag(UserRecordField.partitionKeyIndex, WireType.Varint).uint64(record.partitionKeyIndex);
    if (record.explicitHashKeyIndex !== undefined) {
      writer.tag(UserRecordField.explicitHashKeyIndex, WireType.Varint).uint64(record.explicitHashKeyIndex);
    }
    writer.tag(UserRecordField.data, WireType.LengthDelimited).bytes(record.data).join();
  }
  return writer.finish();
}

/**
 * Packs user records into one KPL aggregated record, as the Kinesis Producer Library does: each distinct
 * partition key (and explicit hash key) enters its table once, in order of first use, and user records
 * point at it by index.
 *
 * The tables are `Map`s, not plain objects: `Object.keys()` would move integer-like keys (`"0"`, `"42"`)
 * to the front while user records keep insertion-order indexes (the bug of `aws-kinesis-agg`'s
 * `RecordAggregator`, whose aggregates decode with the wrong partition keys).
 *
 * @example
 * ```ts
 * const { partitionKey, data } = aggregateUserRecords([{ partitionKey: 'u1', data: Buffer.from('{}') }]);
 * ```
 */
export function aggregateUserRecords(records: readonly UserRecord[]): {
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Buffer;
} {
  const first = records[0];
  if (first === undefined) throw new Error('cannot aggregate zero user records');
  const partitionKeys = new Map<string, number>();
  const hashKeys = new Map<string, number>();
  const indexOf = (table: Map<string, number>, key: string): number => {
    const known = table.get(key);
    if (known !== undefined) return known;
    table.set(key, table.size);
    return table.size - 1;
  };
  const indexed = records.map((record) => ({
    partitionKeyIndex: indexOf(partitionKeys, record.partitionKey),
    explicitHashKeyIndex: record.explicitHashKey === undefined ? undefined : indexOf(hashKeys, record.explicitHashKey),
    data: record.data,
  }));
  const body = encodeAggregatedRecord({
    partitionKeyTable: [...partitionKeys.keys()],
    explicitHashKeyTable: [...hashKeys.keys()],
    records: indexed,
  });
  return { partitionKey: first.partitionKey, explicitHashKey: first.explicitHashKey, data: frameKplBody(body) };
}
