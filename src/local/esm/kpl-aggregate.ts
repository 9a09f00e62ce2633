import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

interface KplCommonModule {
  AggregatedRecord: { encode(message: Record<string, unknown>): { finish(): Uint8Array } };
}

const { AggregatedRecord } = createRequire(import.meta.url)('aws-kinesis-agg/lib/common.js') as KplCommonModule;

/** KPL aggregation magic bytes. */
export const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

/** A user record to pack into a KPL aggregate. */
export interface UserRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly explicitHashKey?: string;
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
 * Packs user records into one KPL aggregated record, as the Kinesis Producer Library does. The protobuf
 * is encoded with the `AggregatedRecord` codec `aws-kinesis-agg` builds from its `kpl.json`.
 *
 * Not built with `aws-kinesis-agg`'s `RecordAggregator`/`aggregate`: they fill the key tables from
 * `Object.keys()` of an object, which moves integer-like keys (`"0"`, `"42"`) to the front while user
 * records keep insertion-order indexes, so such aggregates decode with the wrong partition keys.
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
  const encoded = records.map((record) => {
    const message: Record<string, unknown> = {
      partition_key_index: indexOf(partitionKeys, record.partitionKey),
      data: record.data,
      tags: [],
    };
    if (record.explicitHashKey !== undefined) {
      message.explicit_hash_key_index = indexOf(hashKeys, record.explicitHashKey);
    }
    return message;
  });
  const body = AggregatedRecord.encode({
    partition_key_table: [...partitionKeys.keys()],
    explicit_hash_key_table: [...hashKeys.keys()],
    records: encoded,
  }).finish();
  return { partitionKey: first.partitionKey, explicitHashKey: first.explicitHashKey, data: frameKplBody(body) };
}
