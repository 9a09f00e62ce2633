import { z } from 'zod';
import type { DeployableConfigInput } from '../../../src/deploy/deploy-config.js';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import type { ShardflowConfig, ShardflowConfigInput, StreamConfig } from '../../../src/runtime/config/types.js';

/** Processors and config builders for the deploy unit tests. */

export const orderFacts = defineProcessor({
  name: 'order-facts',
  schema: z.object({ orderId: z.string() }),
  idempotency: true,
  process() {},
});

export const clickCounts = defineProcessor({
  name: 'click-counts',
  schema: z.object({ userId: z.string() }),
  process() {},
});

type DeployStream = DeployableConfigInput['streams'][string];

/** Settings to change in a fixture stream; `undefined` removes the setting. */
type StreamOverrides = { readonly [K in keyof DeployStream]?: DeployStream[K] | undefined };

function withOverrides(base: DeployStream, overrides: StreamOverrides): DeployStream {
  const stream: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(stream)) if (value === undefined) delete stream[key];
  return stream as DeployStream;
}

/** A DynamoDB stream the stack creates, with an SQS destination, S3 quarantine and an idempotency table. */
export function ordersStream(overrides: StreamOverrides = {}): DeployStream {
  return withOverrides(
    {
      source: { type: 'dynamodb', table: 'orders', create: true },
      startingPosition: 'TRIM_HORIZON',
      onFailure: { type: 'sqs', queue: 'shop-orders-failures' },
      quarantine: { type: 's3', bucket: 'shop-quarantine' },
      idempotency: { table: 'shop-idempotency' },
      routes: [{ processor: 'order-facts' }],
    },
    overrides,
  );
}

/** An existing Kinesis stream (by name) with an S3 destination. */
export function clicksStream(overrides: StreamOverrides = {}): DeployStream {
  return withOverrides(
    {
      source: { type: 'kinesis', stream: 'clicks' },
      startingPosition: 'LATEST',
      onFailure: { type: 's3', bucket: 'shop-clicks-failures' },
      quarantine: { type: 's3', bucket: 'shop-quarantine' },
      routes: [{ match: { stream: 'clicks' }, processor: 'click-counts' }],
    },
    overrides,
  );
}

/** A validated config (through `defineConfig`) with the given streams and deploy sections. */
export function deployConfig(
  streams: Record<string, DeployStream>,
  extra: Partial<DeployableConfigInput> = {},
): ShardflowConfig {
  const input: DeployableConfigInput = { service: 'shop', processors: [orderFacts, clickCounts], streams, ...extra };
  return defineConfig(input as ShardflowConfigInput);
}

/** A stream config typed as the core `StreamConfig` (for functions that take one). */
export function asStream(stream: DeployStream): StreamConfig {
  return stream as StreamConfig;
}
