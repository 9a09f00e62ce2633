/**
 * Type-level test (compiled by `npm run typecheck`, never run): the config types derived from the settings
 * table reject what `defineConfig` rejects wherever a type can say it — unknown keys (typos, AWS's names, a
 * top-level `stage`), wrong types, values outside a fixed set, a route naming a processor the config does not
 * list — and keep inferring processor names. `ProcessorSpec` (hand-written: it is generic) and the processor
 * table have the same keys.
 *
 * @example
 * ```sh
 * npm run typecheck
 * ```
 */
import {
  type AnyProcessor,
  defineConfig,
  defineProcessor,
  type ProcessorSpec,
  type ShardflowConfig,
  type StreamConfig,
} from 'shardflow';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import type { PROCESSOR_FIELDS } from '../../src/runtime/config/settings/processor.js';

const orderFacts = defineProcessor({ name: 'order-facts', schema: z.object({ orderId: z.string() }), process() {} });

const base = {
  source: { type: 'dynamodb', table: 'orders' },
  startingPosition: 'TRIM_HORIZON',
  routes: [{ processor: 'order-facts' }],
} as const;

export const valid = defineConfig({
  service: 'shop',
  processors: [orderFacts],
  streams: {
    orders: { ...base, batchSize: 100, filterPatterns: [{ eventName: ['INSERT'] }], metrics: ['EventCount'] },
  },
  logging: { level: 'info', redact: ['email'] as const },
  stages: { prod: { memorySize: 2048, alarms: { actions: [] }, streams: { orders: { batchSize: 10 } } } },
});
expectTypeOf(valid).toExtend<ShardflowConfig>();
expectTypeOf(valid.processorsByName).toEqualTypeOf<ReadonlyMap<string, AnyProcessor>>();

export const wrong = [
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error route processor names are checked against the config's processors
    streams: { orders: { ...base, routes: [{ processor: 'order-factz' }] } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error a typo in a setting name
    streams: { orders: { ...base, maxRetires: 5 } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error AWS's name for batchSize
    streams: { orders: { ...base, BatchSize: 5 } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error a string where a boolean belongs
    streams: { orders: { ...base, bisectOnError: 'true' } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error filterPatterns is a list
    streams: { orders: { ...base, filterPatterns: { eventName: ['INSERT'] } } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    streams: { orders: base },
    // @ts-expect-error logging.redact is a list of paths
    logging: { redact: 'email' },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    streams: { orders: base },
    // @ts-expect-error `stages`, not `stage`
    stage: { prod: { memorySize: 2048 } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error quarantine options under the stream instead of `quarantine`
    streams: { orders: { ...base, bucket: 'shop-quarantine' } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error an SQS quarantine sink takes queueUrl (onFailure takes queue)
    streams: { orders: { ...base, quarantine: { type: 'sqs', queue: 'q' } } },
  }),
  defineConfig({
    service: 'shop',
    processors: [orderFacts],
    // @ts-expect-error ordering is one of partitionKey, shard, none
    streams: { orders: { ...base, ordering: 'key' } },
  }),
];

// @ts-expect-error a processor format in the wrong case
defineProcessor({ name: 'p', schema: z.object({}), format: 'JSON', process() {} });

// StreamConfig is generic in the processor names its routes may use.
expectTypeOf<StreamConfig<'a'>['routes'][number]['processor']>().toEqualTypeOf<'a' | AnyProcessor>();

// ProcessorSpec and the processor table describe the same keys.
expectTypeOf<keyof ProcessorSpec<z.ZodType>>().toEqualTypeOf<keyof typeof PROCESSOR_FIELDS>();
