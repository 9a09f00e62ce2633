import { describe, expect, it } from 'vitest';
import { toNdjson } from '../../../src/runtime/processing/quarantine/index.js';
import type { DynamoDBRecord } from '../../../src/runtime/records/stream-record.js';
import type { AttributeMap } from '../../factories/index.js';
import { factories, objectPrototypeSnapshot, type ProcessorKind, type RunResult, runBatch } from './harness.js';

/**
 * Prototype-pollution payloads, in Kinesis JSON and in DynamoDB images. Payloads are built with
 * `JSON.parse` — as Lambda's runtime parses the event — because a `__proto__` key in an object literal
 * would set the prototype of the test's own object instead of creating the key.
 *
 * For every payload: `Object.prototype` is unchanged, `({}).polluted` stays undefined, and the
 * processor receives a plain object whose prototype is `Object.prototype` and that inherits nothing
 * from the payload.
 */

const PROTO_JSON = '{"userId":"bad-user","n":7,"__proto__":{"polluted":1,"isAdmin":true}}';
const CONSTRUCTOR_JSON = '{"userId":"bad-user","n":7,"constructor":{"prototype":{"polluted":1}}}';

function expectNoGlobalPollution(before: string[]): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(objectPrototypeSnapshot()).toEqual(before);
}

function expectSafeObject(value: unknown): void {
  expect(typeof value).toBe('object');
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  expect((value as Record<string, unknown>).polluted).toBeUndefined();
  expect((value as Record<string, unknown>).isAdmin).toBeUndefined();
}

async function runKinesis(text: string, processor: ProcessorKind): Promise<RunResult> {
  const { kinesis } = factories();
  const event = kinesis.event([{ text, partitionKey: 'bad-key' }]);
  return runBatch({
    source: 'kinesis',
    event,
    processor,
    // A processor that logs its payload: the redacting logger must not be a pollution vector either.
    onRecord: (payload, ctx) => ctx.logger.info({ payload }, 'received'),
  });
}

async function runDynamoDB(newImageJson: string, keysJson = '{"id":{"S":"bad-item"}}'): Promise<RunResult> {
  const { dynamodb } = factories();
  const record = dynamodb.record({
    eventName: 'INSERT',
    keys: {},
    rawKeys: JSON.parse(keysJson) as AttributeMap,
    rawNewImage: JSON.parse(newImageJson) as AttributeMap,
  });
  return runBatch({ source: 'dynamodb', event: dynamodb.event([record]) });
}

const KINESIS_PROCESSORS: readonly ProcessorKind[] = ['json', 'loose', 'record', 'any'];

describe('prototype pollution in Kinesis JSON data', () => {
  it.each(KINESIS_PROCESSORS)(
    '{"__proto__":…} pollutes nothing and reaches a %s processor as a safe object',
    async (processor) => {
      // Arrange
      const before = objectPrototypeSnapshot();

      // Act
      const run = await runKinesis(PROTO_JSON, processor);

      // Assert
      expect(run.result?.outcomes.map((o) => o.fate)).toEqual(['processed']);
      expectNoGlobalPollution(before);
      expect(run.calls).toHaveLength(1);
      expectSafeObject(run.calls[0]!.payload);
    },
  );

  it.each(KINESIS_PROCESSORS)(
    '{"constructor":{"prototype":…}} pollutes nothing and reaches a %s processor as a safe object',
    async (processor) => {
      // Arrange
      const before = objectPrototypeSnapshot();

      // Act
      const run = await runKinesis(CONSTRUCTOR_JSON, processor);

      // Assert
      expect(run.result?.outcomes.map((o) => o.fate)).toEqual(['processed']);
      expectNoGlobalPollution(before);
      expectSafeObject(run.calls[0]!.payload);
      expect(Object.prototype.constructor).toBe(Object);
    },
  );

  it('a "__proto__" key inside a KPL user record pollutes nothing', async () => {
    // Arrange
    const before = objectPrototypeSnapshot();
    const { kinesis } = factories();
    const aggregate = kinesis.aggregatedRecord([
      { text: PROTO_JSON, partitionKey: 'kpl-a' },
      { text: CONSTRUCTOR_JSON, partitionKey: 'kpl-b' },
    ]);

    // Act
    const run = await runBatch({ source: 'kinesis', event: kinesis.event([aggregate]) });

    // Assert
    expect(run.result?.outcomes.map((o) => o.fate)).toEqual(['processed', 'processed']);
    expectNoGlobalPollution(before);
    for (const call of run.calls) expectSafeObject(call.payload);
  });
});

describe('prototype pollution in DynamoDB images', () => {
  const PROTO_IMAGE = '{"id":{"S":"bad-item"},"__proto__":{"M":{"polluted":{"N":"1"},"isAdmin":{"BOOL":true}}}}';

  it('a "__proto__" attribute leaves Object.prototype unchanged', async () => {
    // Arrange
    const before = objectPrototypeSnapshot();

    // Act
    const run = await runDynamoDB(PROTO_IMAGE);

    // Assert
    expect(run.thrown).toBeUndefined();
    expectNoGlobalPollution(before);
  });

  // Regression: @aws-sdk/util-dynamodb's `convertMap` builds maps with `acc[key] = value`, so an attribute
  // named "__proto__" would become the image's prototype (attribute lost, its fields inherited). shardflow
  // refuses such images (InvalidImageError, quarantined).
  it('a "__proto__" attribute reaches the processor as a safe object (or is quarantined by name)', async () => {
    // Arrange
    const before = objectPrototypeSnapshot();

    // Act
    const run = await runDynamoDB(PROTO_IMAGE);

    // Assert
    expectNoGlobalPollution(before);
    const [outcome] = run.result!.outcomes;
    if (outcome?.fate === 'quarantined') {
      expect(outcome.error?.name).toBe('InvalidImageError');
      return;
    }
    expect(outcome?.fate).toBe('processed');
    const { payload, record } = run.calls[0]!;
    expectSafeObject(payload);
    const newImage = (record as DynamoDBRecord).newImage!;
    expectSafeObject(newImage);
    expect(Object.keys(newImage)).toContain('__proto__');
  });

  // Regression (same root cause, also in the binary pass): a "__proto__" binary attribute must not make a
  // Buffer the prototype of the image.
  it('a "__proto__" attribute holding a binary does not become the image prototype', async () => {
    // Arrange
    const image = '{"id":{"S":"bad-item"},"__proto__":{"B":"AQ=="}}';

    // Act
    const run = await runDynamoDB(image);

    // Assert
    const newImage = (run.calls[0]?.record as DynamoDBRecord | undefined)?.newImage;
    expect(
      run.result?.outcomes[0]?.fate === 'quarantined' || Object.getPrototypeOf(newImage) === Object.prototype,
    ).toBe(true);
  });

  // Regression (same root cause, in Keys): a dropped "__proto__" key attribute would merge the ordering
  // keys of different items.
  it('a "__proto__" key attribute stays part of the ordering key', async () => {
    // Arrange
    const keys = '{"id":{"S":"bad-item"},"__proto__":{"S":"shadow"}}';

    // Act
    const run = await runDynamoDB('{"id":{"S":"bad-item"}}', keys);

    // Assert
    const outcome = run.result!.outcomes[0]!;
    expect(outcome.fate === 'quarantined' || outcome.partitionKey !== '{"id":"bad-item"}').toBe(true);
  });

  it('a "constructor" → "prototype" attribute stays an own attribute and pollutes nothing', async () => {
    // Arrange
    const before = objectPrototypeSnapshot();
    const image = '{"id":{"S":"bad-item"},"constructor":{"M":{"prototype":{"M":{"polluted":{"N":"1"}}}}}}';

    // Act
    const run = await runDynamoDB(image);

    // Assert
    expect(run.result?.outcomes.map((o) => o.fate)).toEqual(['processed']);
    expectNoGlobalPollution(before);
    expectSafeObject(run.calls[0]!.payload);
    const newImage = (run.calls[0]!.record as DynamoDBRecord).newImage!;
    expect(Object.getPrototypeOf(newImage)).toBe(Object.prototype);
    expect(newImage.constructor).toEqual({ prototype: { polluted: 1 } });
  });

  it('a quarantined record keeps its "__proto__" attribute verbatim for redrive', async () => {
    // Arrange: a bad N makes the record poison; its raw image also holds a "__proto__" attribute.
    const image = '{"id":{"S":"bad-item"},"total":{"N":"9007199254740993"},"__proto__":{"M":{"polluted":{"N":"1"}}}}';

    // Act
    const run = await runDynamoDB(image);

    // Assert
    expect(run.sink.entries.map((e) => e.error.name)).toEqual(['InvalidImageError']);
    const line = JSON.parse(toNdjson(run.sink.entries)) as { record: { dynamodb: { NewImage: object } } };
    expect(Object.keys(line.record.dynamodb.NewImage)).toContain('__proto__');
  });
});
