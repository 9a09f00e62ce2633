import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerProject, createConsumerProject } from './helpers/consumer-project.js';
import { diagnostics, unexpectedWithoutNodeTypes } from './helpers/tsc-diagnostics.js';

/**
 * shardflow's published declarations in a user's strict project: the repository is built and packed as
 * `npm publish` would, installed into a fresh project outside the repository (with only zod, TypeScript and,
 * for the Node-only entry points, @types/node), and that project's own `tsc --noEmit` must pass with the
 * strictest flags a user may set. The runtime entry (`shardflow`, `shardflow/powertools`) must need neither
 * `@types/node` nor `@types/aws-lambda` nor the DOM lib; `shardflow/local`, `shardflow/deploy` and
 * `shardflow/testing` may need `@types/node`.
 */

const STRICT_OPTIONS = {
  target: 'ES2023',
  lib: ['ES2023'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
  noEmit: true,
};

/** The README's application, written against the runtime entry; assertions on the inferred types. */
const COMMON = `
import { z } from 'zod';
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export function assertType<T extends true>(): T | undefined {
  return undefined;
}

// schemas/order.ts
export const Order = z.object({ orderId: z.string(), status: z.enum(['NEW', 'PAID', 'SHIPPED']), totalCents: z.number().int() });
export type Order = z.infer<typeof Order>;
`;

const RUNTIME_CONSUMER = `
import {
  createHandler,
  type DeadlineSignal,
  defineConfig,
  defineProcessor,
  type DynamoDBStreamEvent,
  type KinesisStreamEvent,
  type LambdaContext,
  type Logger,
  PermanentError,
  type StreamBatchResponse,
  type StreamEvent,
} from 'shardflow';
import { toPowertoolsRecordHandler } from 'shardflow/powertools';
import { assertType, type Equal, Order } from './common.js';

const facts = new Map<string, Order>();

// processors/order-facts.ts
export const orderFacts = defineProcessor({
  name: 'order-facts',
  schema: Order,
  idempotency: true,
  async process(order, ctx) {
    assertType<Equal<typeof order, Order>>();
    assertType<Equal<typeof ctx.previous, Order | undefined>>();
    // Without @types/node or the DOM lib there is no AbortSignal: ctx.signal is a DeadlineSignal.
    assertType<Equal<typeof ctx.signal, DeadlineSignal>>();
    if (order.totalCents < 0) throw new PermanentError('negative total');
    ctx.signal.throwIfAborted();
    const logger: Logger = ctx.logger;
    logger.info({ orderId: order.orderId, remainingMs: ctx.remainingTimeMs() }, 'order fact');
    const record = ctx.record;
    if (record.source === 'kinesis') {
      const bytes: Uint8Array = record.data;
      logger.debug({ bytes: bytes.byteLength, text: record.text() }, 'kinesis record');
    } else {
      logger.debug({ keys: record.keys, ttl: record.isTtlDelete }, 'dynamodb record');
    }
    facts.set(order.orderId, order);
  },
});

export const orderTombstones = defineProcessor({
  name: 'order-tombstones',
  schema: Order,
  process(order) {
    facts.delete(order.orderId);
  },
});

// shardflow.config.ts
export const config = defineConfig({
  service: 'shop-analytics',
  processors: [orderFacts, orderTombstones],
  streams: {
    orders: {
      source: { type: 'dynamodb', table: 'orders' },
      startingPosition: 'TRIM_HORIZON', batchSize: 100, bisectOnError: true, maxRetries: 3,
      idempotency: { table: 'shop-analytics-idempotency' },
      quarantine: { type: 's3', bucket: 'shop-analytics-quarantine' },
      routes: [
        { match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'order-facts' },
        { match: { eventName: 'REMOVE' }, processor: orderTombstones },
      ],
    },
  },
});

export function misnamedRoute() {
  return defineConfig({
    service: 'shop-analytics',
    processors: [orderFacts],
    streams: {
      orders: {
        source: { type: 'dynamodb', table: 'orders' },
        startingPosition: 'TRIM_HORIZON',
        // @ts-expect-error route processor names are checked against the config's processors
        routes: [{ processor: 'order-factz' }],
      },
    },
  });
}

// the Lambda function
export const handler = createHandler(config, 'orders');

export async function invoke(event: KinesisStreamEvent | DynamoDBStreamEvent, context: LambdaContext): Promise<string | undefined> {
  const typed: StreamEvent = event;
  const response: StreamBatchResponse = await handler(typed, context);
  const first = response.batchItemFailures[0];
  assertType<Equal<typeof first, { itemIdentifier: string } | undefined>>();
  return first?.itemIdentifier;
}

export const recordHandler = toPowertoolsRecordHandler(orderFacts);
`;

/** The Node-only entry points, with the same processor, whose ctx.signal is now Node's AbortSignal. */
const NODE_CONSUMER = `
import { defineConfig, defineProcessor, type Fate } from 'shardflow';
import { type DeployPlan, describePlan, planDeployment } from 'shardflow/deploy';
import { startEmulators, startLocal } from 'shardflow/local';
import { kinesisEvent, lambdaContext, runProcessor } from 'shardflow/testing';
import { assertType, type Equal, Order } from './common.js';

export const orderFacts = defineProcessor({
  name: 'order-facts',
  schema: Order,
  async process(order, ctx) {
    assertType<Equal<typeof ctx.signal, AbortSignal>>();
    await fetch('http://127.0.0.1:1/orders/' + order.orderId, { signal: ctx.signal });
  },
});

export const config = defineConfig({
  service: 'shop-analytics',
  processors: [orderFacts],
  streams: {
    orders: {
      source: { type: 'dynamodb', table: 'orders' },
      startingPosition: 'TRIM_HORIZON',
      routes: [{ processor: 'order-facts' }],
    },
  },
});

// shardflow/local: the config on emulators.
export async function runLocally(): Promise<void> {
  const emulators = await startEmulators(config);
  const run = await startLocal({ config, emulators });
  await run.stop();
  await emulators.stop();
}

// shardflow/deploy: the plan for a stage.
export const plan: DeployPlan = planDeployment(config, 'dev');
export const lines: string[] = describePlan(plan);

// shardflow/testing: a unit test of the processor.
export async function unitTest(): Promise<Fate[]> {
  const event = kinesisEvent([{ json: { orderId: 'o-1', status: 'NEW', totalCents: 1250 }, partitionKey: 'o-1' }]);
  const run = await runProcessor(orderFacts, event, { context: lambdaContext({ functionName: 'orders' }) });
  return run.outcomes.map((outcome) => outcome.fate);
}
`;

function tsconfig(files: readonly string[], types: readonly string[]): string {
  return JSON.stringify({ compilerOptions: { ...STRICT_OPTIONS, types }, files }, null, 2);
}

describe('published declarations in a strict consumer project', () => {
  let project: ConsumerProject;

  beforeAll(async () => {
    project = await createConsumerProject({ packages: ['zod@4', 'typescript@7', '@types/node@20'] });
    await project.write({
      'common.ts': COMMON,
      'runtime.ts': RUNTIME_CONSUMER,
      'node.ts': NODE_CONSUMER,
      'tsconfig.runtime.json': tsconfig(['runtime.ts'], []),
      'tsconfig.node.json': tsconfig(['node.ts'], ['node']),
    });
  }, 600_000);

  afterAll(async () => {
    await project?.remove();
  });

  it('type-checks the runtime entry without @types/node, @types/aws-lambda or the DOM lib', async () => {
    // Act
    const result = await project.runBin('typescript', 'tsc', ['-p', 'tsconfig.runtime.json']);
    const listed = await project.runBin('typescript', 'tsc', ['-p', 'tsconfig.runtime.json', '--listFilesOnly']);

    // Assert
    const output = `${result.stdout}${result.stderr}`;
    const unexpected = unexpectedWithoutNodeTypes(output);
    expect(unexpected, `tsc -p tsconfig.runtime.json:\n${output}`).toEqual([]);
    // A failing exit must come from the tolerated diagnostics, not from something tsc printed otherwise.
    expect(result.code === 0 || diagnostics(output).length > 0, output).toBe(true);
    const typesPackages = listed.stdout.split('\n').filter((file) => file.includes('/node_modules/@types/'));
    expect(typesPackages, 'declarations the runtime entry pulled in').toEqual([]);
    const shardflowFiles = listed.stdout.split('\n').filter((file) => file.includes('/node_modules/shardflow/'));
    expect(shardflowFiles.some((file) => file.endsWith('/dist/runtime/integrations/powertools.d.ts'))).toBe(true);
  });

  it('type-checks shardflow/local, shardflow/deploy and shardflow/testing with @types/node', async () => {
    // Act
    const result = await project.runBin('typescript', 'tsc', ['-p', 'tsconfig.node.json']);

    // Assert
    const output = `${result.stdout}${result.stderr}`;
    expect(diagnostics(output), `tsc -p tsconfig.node.json:\n${output}`).toEqual([]);
    expect(result.code, output).toBe(0);
  });
});
