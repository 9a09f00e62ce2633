import { marshall } from '@aws-sdk/util-dynamodb';
import pino from 'pino';
import { z } from 'zod';
import { dynamodbLambdaRecord, kinesisLambdaRecord } from '../../../src/local/esm/lambda-event.js';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { type AnyProcessor, defineProcessor } from '../../../src/runtime/config/processor.js';
import type { StreamConfig } from '../../../src/runtime/config/types.js';
import type { QuarantineEntry, QuarantineSink } from '../../../src/runtime/processing/quarantine/index.js';

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks';
export const TABLE_STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000';
export const SHARD = 'shardId-000000000006';

/** Sequence numbers shaped like Kinesis's (56 digits), increasing with `i`. */
export const seq = (i: number) =>
  (49590338271490256608559692538361571095921575989136588898n + BigInt(i) * 10n).toString();

/** A Kinesis event exactly as Lambda sends it, one record per item (JSON data). */
export function kinesisEvent(items: readonly { pk: string; data: unknown; raw?: string }[], shardId = SHARD) {
  return {
    Records: items.map((item, i) => {
      const record = kinesisLambdaRecord({
        streamArn: STREAM_ARN,
        region: 'us-east-1',
        shardId,
        sequenceNumber: seq(i),
        partitionKey: item.pk,
        data: Buffer.from(JSON.stringify(item.data)),
        approximateArrivalMs: 1_545_084_650_987,
      });
      if (item.raw !== undefined) record.kinesis.data = item.raw;
      return record;
    }),
  };
}

/** A DynamoDB Streams event exactly as Lambda sends it. */
export function dynamodbEvent(
  items: readonly { eventName: 'INSERT' | 'MODIFY' | 'REMOVE'; keys: object; newImage?: object; oldImage?: object }[],
) {
  return {
    Records: items.map((item, i) =>
      dynamodbLambdaRecord({
        streamArn: TABLE_STREAM_ARN,
        region: 'us-east-1',
        eventID: `c81e728d9d4c2f636f067f89cc14862${i}`,
        eventName: item.eventName,
        sequenceNumber: `1111000000000000000000${String(i).padStart(2, '0')}`,
        keys: marshall(item.keys),
        ...(item.newImage ? { newImage: marshall(item.newImage) } : {}),
        ...(item.oldImage ? { oldImage: marshall(item.oldImage) } : {}),
        sizeBytes: 59,
        streamViewType: 'NEW_AND_OLD_IMAGES',
        approximateCreationMs: 1_700_000_000_000,
      }),
    ),
  };
}

/** An in-memory quarantine sink that records what it was given (a real implementation of the port). */
export class MemorySink implements QuarantineSink {
  readonly kind = 'memory';
  readonly entries: QuarantineEntry[] = [];
  failWith: Error | undefined;
  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.entries.push(...entries);
  }
}

export const Click = z.object({ userId: z.string(), n: z.number().int() });

/** A logger that writes nowhere (tests assert on outcomes, not log text). */
export const silentLogger = pino({ level: 'silent' });

/**
 * A Kinesis config whose processor runs `behaviour(payload)`; the calls are recorded in order.
 */
export function clickConfig(
  behaviour: (payload: z.infer<typeof Click>) => void | Promise<void>,
  overrides: Partial<StreamConfig> = {},
) {
  const calls: z.infer<typeof Click>[] = [];
  const processor = defineProcessor({
    name: 'clicks',
    schema: Click,
    async process(payload) {
      calls.push(payload);
      await behaviour(payload);
    },
  });
  const config = defineConfig({
    service: 'test-service',
    streams: {
      clicks: {
        source: { type: 'kinesis', stream: 'clicks' },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ processor }],
        ...overrides,
      },
    },
  });
  return { config, calls, processor };
}

/** A Kinesis `clicks` stream with an idempotency table, its one route to `processor`. */
export function idempotentClicksConfig(processor: AnyProcessor) {
  return defineConfig({
    service: 'test-service',
    streams: {
      clicks: {
        source: { type: 'kinesis', stream: 'clicks' },
        startingPosition: 'LATEST',
        idempotency: { table: 'idempotency' },
        routes: [{ processor }],
      },
    },
  });
}
