import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as KinesisApiRecord,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord, LambdaContext } from '../../src/runtime/records/lambda-events.js';

/** Options of {@link startLeanLoop}. */
export interface LeanLoopOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  /** The records' `eventSourceARN`. */
  readonly streamArn: string;
  /** The records' `awsRegion`. */
  readonly region: string;
  /** The function's handler, called in this process on the event object itself. */
  readonly handler: (event: { Records: KinesisStreamRecord[] }, context: LambdaContext) => unknown;
  readonly functionName: string;
  readonly batchSize: number;
  /** The local ESM's read cadence: `idleMs` after an empty page, at least `activeMs` from one read to the next. */
  readonly polling: { readonly idleMs: number; readonly activeMs: number };
}

/** A running lean loop. */
export interface LeanLoop {
  /** Handler calls so far. */
  readonly invocations: () => number;
  stop(): Promise<void>;
}

/** GetRecords returns at most 10 000 records per call. */
const GET_RECORDS_LIMIT = 10_000;

/**
 * One record of a Kinesis Lambda event, straight from the SDK's GetRecords record, in the shape AWS
 * documents (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): base64 `data`,
 * `approximateArrivalTimestamp` in float epoch seconds, `eventID` = `shardId:sequenceNumber`.
 */
function lambdaRecord(
  record: KinesisApiRecord,
  shardId: string,
  streamArn: string,
  region: string,
): KinesisStreamRecord {
  const data = record.Data ?? new Uint8Array();
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber: record.SequenceNumber ?? '',
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber ?? ''}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/bench',
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}

/**
 * The ceiling of the end-to-end suite: the least any Kinesis poller must do, with nothing of the local
 * ESM's code. Per shard: GetRecords from TRIM_HORIZON through `@aws-sdk/client-kinesis` directly (up to
 * 10 000 records per call), build each Lambda record from the SDK's response, and call the handler on
 * each `batchSize` slice in turn, in this process, on that very event object (no JSON round trip). No
 * batching window, no checkpoints, no retries, no response interpretation, no read-ahead; only the local
 * ESM's read cadence (at least `activeMs` between reads while records flow, `idleMs` after an empty page:
 * ≤ 5 GetRecords/s/shard).
 *
 * @example
 * ```ts
 * const loop = await startLeanLoop({ client, streamName: 'bench-1', streamArn, region: 'us-east-1', handler,
 *   functionName: 'bench-bench', batchSize: 100, polling: { idleMs: 1000, activeMs: 200 } });
 * // … records flow …
 * await loop.stop();
 * ```
 */
export async function startLeanLoop(options: LeanLoopOptions): Promise<LeanLoop> {
  const { client, streamName, streamArn, region, handler, batchSize, polling } = options;
  const controller = new AbortController();
  const { signal } = controller;
  let invocations = 0;
  const pause = (ms: number) => (ms > 0 ? sleep(ms, undefined, { signal }).catch(() => {}) : Promise.resolve());
  const listed = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const shardIds = (listed.Shards ?? []).map((shard) => shard.ShardId ?? '');
  const context = (): LambdaContext => {
    const deadline = Date.now() + 60_000;
    return {
      awsRequestId: randomUUID(),
      functionName: options.functionName,
      invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${options.functionName}`,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
  };
  const loops = shardIds.map(async (shardId) => {
    const first = await client.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    let iterator = first.ShardIterator;
    while (!signal.aborted && iterator !== undefined) {
      const readAt = Date.now();
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT }));
      const records = page.Records ?? [];
      for (let i = 0; i < records.length && !signal.aborted; i += batchSize) {
        const slice = records.slice(i, i + batchSize);
        invocations++;
        await handler({ Records: slice.map((record) => lambdaRecord(record, shardId, streamArn, region)) }, context());
      }
      iterator = page.NextShardIterator;
      await pause(records.length === 0 ? polling.idleMs : polling.activeMs - (Date.now() - readAt));
    }
  });
  return {
    invocations: () => invocations,
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
    },
  };
}
