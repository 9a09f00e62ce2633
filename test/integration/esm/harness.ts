import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import pino from 'pino';
import { z } from 'zod';
import type { LambdaContext } from '../../../src/local/esm/invoke-function.js';
import { type LocalRun, type LocalRunOptions, startLocal } from '../../../src/local/esm/local-runner.js';
import type { OnFailureRecord } from '../../../src/local/esm/ports.js';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import type { StreamConfig } from '../../../src/runtime/config/types.js';

/** Fast polling and backoff so behaviour tests take milliseconds, not the production cadence. */
export const FAST = {
  polling: { idleMs: 20, activeMs: 5, backoffBaseMs: 5, backoffMaxMs: 40 },
  discoveryIntervalMs: 100,
} as const;

export const silent = pino({ level: 'silent' });

/** One invocation the ESM made: the event as the function saw it, the context, and what it returned. */
export interface Call {
  readonly event: {
    Records: {
      kinesis?: { data: string; sequenceNumber: string; partitionKey: string };
      eventID: string;
      [k: string]: unknown;
    }[];
    [k: string]: unknown;
  };
  readonly context: { awsRequestId: string; remainingMs: number; functionName: string; memoryLimitInMB: string };
  readonly startedAt: number;
  endedAt?: number;
}

/** The JSON payloads of a Kinesis event's records. */
export function payloads(call: Call): { key: string; n: number }[] {
  return call.event.Records.map((r) => JSON.parse(Buffer.from(r.kinesis!.data, 'base64').toString('utf8')));
}

export type Respond = (event: Call['event'], call: number, calls: Call[]) => unknown;

const noop = defineProcessor({ name: 'noop', schema: z.unknown(), process() {} });

/** A one-stream Kinesis config (the handler is replaced by a scripted one in these tests). */
export function kinesisConfig(overrides: Partial<StreamConfig> = {}, shards = 1) {
  return defineConfig({
    service: 'esm-test',
    streams: {
      clicks: {
        source: { type: 'kinesis', stream: 'clicks', shards },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ processor: noop }],
        ...overrides,
      },
    },
  });
}

/**
 * Starts the local ESM on real emulators with a scripted function: `respond` decides each invocation's
 * response (throw to make it a function error). Every invocation is recorded.
 */
export async function startScripted(
  config: ReturnType<typeof kinesisConfig>,
  respond: Respond,
  extra: Partial<LocalRunOptions> = {},
): Promise<{
  run: LocalRun;
  calls: Call[];
  put: (items: { key: string; n: number }[]) => Promise<void>;
  onFailure: () => Promise<OnFailureRecord[]>;
}> {
  const calls: Call[] = [];
  const run = await startLocal({
    config,
    logger: silent,
    ...FAST,
    ...extra,
    wrapHandler: () => async (event: unknown, context: LambdaContext) => {
      const call: Call = {
        event: event as Call['event'],
        context: {
          awsRequestId: context.awsRequestId,
          remainingMs: context.getRemainingTimeInMillis(),
          functionName: context.functionName,
          memoryLimitInMB: context.memoryLimitInMB,
        },
        startedAt: Date.now(),
      };
      calls.push(call);
      try {
        return await respond(call.event, calls.length, calls);
      } finally {
        call.endedAt = Date.now();
      }
    },
  });
  const client = run.emulators?.clients.kinesis ?? extra.emulators?.clients.kinesis;
  const streamName = Object.values(config.streams)[0]!.source.type === 'kinesis' ? 'clicks' : '';
  return {
    run,
    calls,
    // One PutRecords call, so the records land together and are read in one GetRecords page.
    put: async (items) => {
      await client!.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: items.map((item) => ({ PartitionKey: item.key, Data: Buffer.from(JSON.stringify(item)) })),
        }),
      );
    },
    onFailure: async () => (await run.destinations.get('clicks')?.list?.()) ?? [],
  };
}

/** Puts many records in PutRecords calls of 500 (order across calls kept; fine for throughput tests). */
export async function putMany(run: LocalRun, items: { key: string; n: number }[]): Promise<void> {
  const client = run.emulators!.clients.kinesis!;
  for (let i = 0; i < items.length; i += 500) {
    await client.send(
      new PutRecordsCommand({
        StreamName: 'clicks',
        Records: items
          .slice(i, i + 500)
          .map((item) => ({ PartitionKey: item.key, Data: Buffer.from(JSON.stringify(item)) })),
      }),
    );
  }
}

/** Polls `predicate` every 10 ms until true (or fails after `timeoutMs`). */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The sequence numbers of a call's records. */
export const sequences = (call: Call) => call.event.Records.map((r) => r.kinesis!.sequenceNumber);
