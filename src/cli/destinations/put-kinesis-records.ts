import { setTimeout as sleep } from 'node:timers/promises';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from '../../runtime/records/lambda-events.js';
import { RedrivePutError } from '../errors.js';

/** PutRecords limits: 500 entries and 5 MiB (data plus partition keys) per request. */
export const PUT_RECORDS_LIMITS = { entries: 500, bytes: 5 * 1024 * 1024 } as const;

/** Options of {@link putKinesisRecords}. */
export interface PutKinesisRecordsOptions {
  /** Attempts per entry (failed entries of a request are retried). Default 5. */
  readonly maxAttempts?: number;
  /** First backoff between attempts, doubled each time. Default 100 ms. */
  readonly backoffMs?: number;
}

/**
 * Puts Lambda-shaped Kinesis records back onto a stream with PutRecords: the original partition key and
 * data bytes (a KPL aggregate stays one aggregate), in their order, in requests within the API limits.
 * Entries a request rejects (`FailedRecordCount`, e.g. throughput exceeded) are retried with backoff.
 * The records get new sequence numbers; `ExplicitHashKey` is not in the Lambda record, so a record
 * lands on the shard its partition key hashes to.
 *
 * @returns the new sequence numbers, in input order
 * @throws {RedrivePutError} when entries still fail after every attempt
 *
 * @example
 * ```ts
 * const sequenceNumbers = await putKinesisRecords(kinesis, 'clicks', onFailure.payload.Records);
 * ```
 */
export async function putKinesisRecords(
  client: KinesisClient,
  streamName: string,
  records: readonly KinesisStreamRecord[],
  options: PutKinesisRecordsOptions = {},
): Promise<string[]> {
  const entries = records.map((record) => ({
    data: Buffer.from(record.kinesis.data, 'base64'),
    partitionKey: record.kinesis.partitionKey,
  }));
  const results = await putRecordEntries(client, streamName, entries, {
    ...options,
    error: (failed, reason) => new RedrivePutError(streamName, failed, reason),
  });
  return results.map((result) => result.sequenceNumber);
}

/** One record to put: its bytes and partition key (and explicit hash key, if any). */
export interface RecordEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string | undefined;
}

/**
 * Puts records onto a Kinesis stream with PutRecords, in their order, in requests within the API
 * limits; entries a request rejects are retried with backoff.
 *
 * @returns each record's shard and sequence number, in input order
 * @throws the error `options.error` builds (default: an `Error`) when entries still fail after every attempt
 *
 * @example
 * ```ts
 * const [first] = await putRecordEntries(kinesis, 'clicks', [{ data: Buffer.from('{}'), partitionKey: 'u1' }]);
 * first.shardId; // 'shardId-000000000000'
 * ```
 */
export async function putRecordEntries(
  client: KinesisClient,
  streamName: string,
  records: readonly RecordEntry[],
  options: PutKinesisRecordsOptions & { readonly error?: (failed: number, reason: string) => Error } = {},
): Promise<{ shardId: string; sequenceNumber: string }[]> {
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 100;
  const entries: PutRecordsRequestEntry[] = records.map((record) => ({
    Data: record.data,
    PartitionKey: record.partitionKey,
    ...(record.explicitHashKey === undefined ? {} : { ExplicitHashKey: record.explicitHashKey }),
  }));
  const results: { shardId: string; sequenceNumber: string }[] = new Array(entries.length);
  for (const chunk of chunkIndexes(entries)) {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const output = await client.send(
        new PutRecordsCommand({ StreamName: streamName, Records: pending.map((index) => entries[index]!) }),
      );
      const failed: number[] = [];
      let reason = '';
      pending.forEach((index, position) => {
        const result = output.Records?.[position] ?? {};
        if (result.SequenceNumber !== undefined && result.ErrorCode === undefined) {
          results[index] = { shardId: result.ShardId ?? '', sequenceNumber: result.SequenceNumber };
        } else {
          failed.push(index);
          reason = `${result.ErrorCode ?? 'Error'}: ${result.ErrorMessage ?? 'no message'}`;
        }
      });
      if (failed.length > 0 && attempt >= maxAttempts) {
        throw options.error?.(failed.length, reason) ?? new Error(`${failed.length} record(s) not put: ${reason}`);
      }
      if (failed.length > 0) await sleep(backoffMs * 2 ** (attempt - 1));
      pending = failed;
    }
  }
  return results;
}

/** Splits entry indexes into PutRecords-sized requests. */
function chunkIndexes(entries: readonly PutRecordsRequestEntry[]): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  entries.forEach((entry, index) => {
    const size = (entry.Data?.length ?? 0) + Buffer.byteLength(entry.PartitionKey ?? '');
    if (
      current.length > 0 &&
      (current.length >= PUT_RECORDS_LIMITS.entries || bytes + size > PUT_RECORDS_LIMITS.bytes)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
