import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../src/runtime/config/processor.js';
import type { ShardflowConfigInput } from '../../src/runtime/config/types.js';
import { ConfigError } from '../../src/runtime/errors.js';
import { applyStageOverrides } from '../../src/runtime/stages/stage-overrides.js';

/**
 * `defineConfig` and `defineProcessor` on any input: random JSON-ish values, and valid configs with random
 * parts replaced (a value swapped for any other, a key added or renamed). Each either returns (a config whose
 * stages all apply) or throws a `ConfigError` subclass with a path — never a `TypeError` or anything else.
 *
 * `SHARDFLOW_CONFIG_FUZZ_RUNS` sets the number of inputs per property (default 1000);
 * `SHARDFLOW_CONFIG_FUZZ_SEED` replays one run.
 */

const RUNS = Number(process.env.SHARDFLOW_CONFIG_FUZZ_RUNS ?? 1000);
const SEED =
  process.env.SHARDFLOW_CONFIG_FUZZ_SEED === undefined ? undefined : Number(process.env.SHARDFLOW_CONFIG_FUZZ_SEED);
const OPTIONS = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

const clicks = defineProcessor({ name: 'clicks', schema: z.object({ userId: z.string() }), process() {} });
const windowed = defineProcessor({
  name: 'windowed',
  schema: z.unknown(),
  window: { initial: () => 0 },
  process() {},
});

/** A valid config touching every section, the base of the mutations. */
function validConfig(): Record<string, unknown> {
  return {
    service: 'fuzz',
    processors: [clicks, windowed],
    logging: { level: 'info', redact: ['email', 'contacts[*].email'] },
    metrics: { enabled: false, namespace: 'fuzz' },
    runtime: 'nodejs24.x',
    streams: {
      clicks: {
        source: { type: 'kinesis', stream: 'clicks', shards: 2 },
        startingPosition: 'AT_TIMESTAMP',
        startingPositionTimestamp: '2024-05-01T00:00:00Z',
        batchSize: 100,
        tumblingWindowSeconds: 60,
        filterPatterns: [{ data: { type: ['click'] } }],
        onFailure: { type: 'sqs', queue: 'fuzz-failures' },
        quarantine: { type: 's3', bucket: 'fuzz-quarantine', prefix: 'q/' },
        environment: { MODE: 'fuzz' },
        routes: [
          { match: { payload: { type: ['window'] } }, processor: 'windowed' },
          { match: { eventName: 'aws:kinesis:record' }, processor: clicks },
        ],
      },
      orders: {
        source: { type: 'dynamodb', table: 'orders', keySchema: { partitionKey: 'id' } },
        startingPosition: 'TRIM_HORIZON',
        maxRetries: 3,
        maxRecordAgeSeconds: 3600,
        idempotency: { table: 'fuzz-idempotency', ttlSeconds: 3600 },
        routes: [
          { match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'clicks' },
          { match: { eventName: 'REMOVE', keys: { id: [{ prefix: 'o-' }] } }, processor: 'clicks' },
        ],
      },
    },
    stages: {
      prod: { memorySize: 2048, alarms: { actions: [] }, streams: { orders: { batchSize: 10 } } },
      dev: { logLevel: 'debug', retentionDays: 7 },
    },
    resources: { lake: { type: 's3', bucket: 'fuzz-lake', access: 'write', streams: ['clicks'] } },
  };
}

/** Copies plain objects and arrays (processors and functions are kept as they are). */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, copy(child)]));
  }
  return value;
}

/** A random edit somewhere in the tree: `picks` choose the way down, `edit` what happens there. */
interface Mutation {
  readonly picks: readonly number[];
  readonly edit:
    | { readonly kind: 'replace'; readonly value: unknown }
    | { readonly kind: 'add'; readonly key: string; readonly value: unknown }
    | { readonly kind: 'rename'; readonly key: string };
}

function mutate(root: Record<string, unknown>, mutation: Mutation): void {
  let parent: Record<string, unknown> | unknown[] = root;
  for (const pick of mutation.picks) {
    const keys = Object.keys(parent);
    if (keys.length === 0) break;
    const key = keys[pick % keys.length]!;
    const child = (parent as Record<string, unknown>)[key];
    // Only what a user writes in a config file: plain objects and lists, not the inside of a zod schema or of
    // another library's object (whose read-only fields an edit cannot assign).
    const isContainer =
      typeof child === 'object' &&
      child !== null &&
      !Object.isFrozen(child) &&
      (Array.isArray(child) || [Object.prototype, null].includes(Object.getPrototypeOf(child)));
    if (!isContainer || pick % 3 === 0) {
      applyEdit(parent, key, mutation.edit);
      return;
    }
    parent = child as Record<string, unknown>;
  }
  const keys = Object.keys(parent);
  if (keys.length > 0) applyEdit(parent, keys[0]!, mutation.edit);
}

function applyEdit(parent: Record<string, unknown> | unknown[], key: string, edit: Mutation['edit']): void {
  const target = parent as Record<string, unknown>;
  if (edit.kind === 'replace') target[key] = edit.value;
  else if (edit.kind === 'add') target[edit.key] = edit.value;
  else if (!Array.isArray(parent)) {
    target[edit.key] = target[key];
    delete target[key];
  }
}

/** Values of every JSON-ish kind, plus the JavaScript ones configs meet (undefined, NaN, functions, processors). */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    0,
    1.5,
    '',
    'INSERT',
    'LATEST',
    () => true,
    clicks,
  ),
  fc.anything({ withNullPrototype: true, maxDepth: 3 }),
);

/** Keys near the real ones: typos, AWS names, other sections' keys, prototype keys. */
const nearKey = fc.constantFrom(
  'maxRetires',
  'BatchSize',
  'stage',
  'bucket',
  'queue',
  'queueUrl',
  'table',
  '__proto__',
  'constructor',
  'toString',
  'type',
  'match',
  'redact',
);

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  picks: fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }),
  edit: fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), value: anyValue }),
    fc.record({ kind: fc.constant('add' as const), key: fc.oneof(nearKey, fc.string()), value: anyValue }),
    fc.record({ kind: fc.constant('rename' as const), key: fc.oneof(nearKey, fc.string()) }),
  ),
});

/** Runs `act`: it must return, or throw a ConfigError with a path. */
function returnsOrThrowsConfigError(act: () => unknown): boolean {
  try {
    act();
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError) || typeof error.path !== 'string') throw error;
    return false;
  }
}

function defineAndStage(input: unknown): void {
  const config = defineConfig(input as ShardflowConfigInput);
  expect(config.kind).toBe('shardflow.config');
  for (const stage of Object.keys(config.stages ?? {})) applyStageOverrides(config, stage);
}

describe('defineConfig on any input', () => {
  it('accepts the base config of the mutations', () => {
    // Act / Assert
    expect(returnsOrThrowsConfigError(() => defineAndStage(validConfig()))).toBe(true);
  });

  it('returns or throws a ConfigError for random JSON-ish values', () => {
    // Act / Assert
    fc.assert(
      fc.property(anyValue, (input) => {
        returnsOrThrowsConfigError(() => defineAndStage(input));
      }),
      OPTIONS,
    );
  });

  it('returns or throws a ConfigError for valid configs with random parts replaced, added or renamed', () => {
    // Arrange
    let rejected = 0;

    // Act
    fc.assert(
      fc.property(fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (mutations) => {
        const input = copy(validConfig()) as Record<string, unknown>;
        for (const mutation of mutations) mutate(input, mutation);
        if (!returnsOrThrowsConfigError(() => defineAndStage(input))) rejected++;
      }),
      OPTIONS,
    );

    // Assert: the mutations mostly produce mistakes, and each was named.
    expect(rejected).toBeGreaterThan(RUNS / 2);
  });
});

describe('defineProcessor on any input', () => {
  it('returns or throws a ConfigError for random specs', () => {
    // Arrange
    const spec = fc.dictionary(
      fc.constantFrom('name', 'schema', 'format', 'idempotency', 'window', 'batch', 'process', 'proccess'),
      anyValue,
    );

    // Act / Assert
    fc.assert(
      fc.property(fc.oneof(spec, anyValue), (input) => {
        returnsOrThrowsConfigError(() => defineProcessor(input as never));
      }),
      OPTIONS,
    );
  });
});
