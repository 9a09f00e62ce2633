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
  /** Called after each request that put all its records: their indexes (into the input) and new sequence numbers. */
  readonly onPut?: (indexes: readonly number[], sequenceNumbers: readonly string[]) => void;
}

/**
 * Puts Lambda-shaped Kinesis records back onto a stream with PutRecords: the original partition key and
 * data bytes (a KPL aggregate stays one aggregate), keeping their order per partition key. PutRecords
 * retries only the entries a request rejected (`FailedRecordCount`, e.g. throughput exceeded), and a
 * retried entry lands after the entries that succeeded: so each request holds at most one record per
 * partition key ({@link keyOrderedRequests}), and the next request goes out only once every entry of
 * the previous one is in. Records of different keys still share requests. The records get new sequence
 * numbers; `ExplicitHashKey` is not in the Lambda record, so a record lands on the shard its partition
 * key hashes to.
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
  const sequenceNumbers: string[] = new Array(entries.length);
  for (const request of keyOrderedRequests(entries)) {
    const results = await putRecordEntries(
      client,
      streamName,
      request.map((index) => entries[index]!),
      { ...options, error: (failed, reason) => new RedrivePutError(streamName, failed, reason) },
    );
    request.forEach((index, position) => {
      sequenceNumbers[index] = results[position]!.sequenceNumber;
    });
    options.onPut?.(
      request,
      results.map((result) => result.sequenceNumber),
    );
  }
  return sequenceNumbers;
}

/**
 * Splits records into PutRecords requests (within the API limits) that each hold at most one record per
 * partition key, taking every key's records in their order: sent one after the other, they keep the
 * order per key whatever entries a request has to retry.
 *
 * @returns the requests, as indexes into `records`
 *
 * @example
 * ```ts
 * keyOrderedRequests([{ partitionKey: 'a', data }, { partitionKey: 'a', data }, { partitionKey: 'b', data }]);
 * // [[0, 2], [1]]
 * ```
 */
export function keyOrderedRequests(records: readonly Pick<RecordEntry, 'data' | 'partitionKey'>[]): number[][] {
  const queues = new Map<string, number[]>();
  records.forEach((record, index) => {
    const queue = queues.get(record.partitionKey);
    if (queue === undefined) queues.set(record.partitionKey, [index]);
    else queue.push(index);
  });
  const heads = new Map([...queues.keys()].map((key) => [key, 0]));
  const requests: number[][] = [];
  let left = records.length;
  while (left > 0) {
    const request: number[] = [];
    let bytes = 0;
    for (const [key, queue] of queues) {
      const head = heads.get(key)!;
      if (head >= queue.length) continue;
      const index = queue[head]!;
      const size = records[index]!.data.length + Buffer.byteLength(key);
      if (request.length >= PUT_RECORDS_LIMITS.entries) break;
      if (request.length > 0 && bytes + size > PUT_RECORDS_LIMITS.bytes) continue;
      request.push(index);
      bytes += size;
      heads.set(key, head + 1);
    }
    for (const [key, queue] of queues) {
      if (heads.get(key)! < queue.length) continue;
      queues.delete(key);
      heads.delete(key);
    }
    requests.push(request.sort((a, b) => a - b));
    left -= request.length;
  }
  return requests;
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
