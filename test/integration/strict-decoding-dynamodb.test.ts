import { type AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResources } from '../../src/local/emulators/create-resources.js';
import {
  type DynamoDBLocal,
  localDynamoDBClientConfig,
  startDynamoDBLocal,
} from '../../src/local/emulators/dynamodb-local.js';
import { createStreamSource } from '../../src/local/esm/sources/index.js';
import { decodeEvent } from '../../src/runtime/records/decode-event.js';
import { MAX_ATTRIBUTE_DEPTH } from '../../src/runtime/records/dynamodb-image.js';
import type { InvalidImageError } from '../../src/runtime/records/errors.js';
import type { DecodedEntry } from '../../src/runtime/records/stream-record.js';

/**
 * The strict unmarshaller against what a real DynamoDB (Local) stores and emits: every attribute type,
 * edge numbers, empty strings and binaries, lists of lists, maps in lists, the deepest nesting DynamoDB
 * accepts, and attribute names that are JavaScript prototype keys. What DynamoDB emits is decoded; the
 * one name shardflow refuses by policy (`__proto__`) is reported as `InvalidImageError`.
 */

const REGION = 'us-east-1';

let ddb: DynamoDBLocal;
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let entries: DecodedEntry[];
let deepestAccepted: number;

function nestedMaps(depth: number): AttributeValue {
  let value: AttributeValue = { S: 'leaf' };
  for (let i = 0; i < depth; i++) value = { M: { a: value } };
  return value;
}

beforeAll(async () => {
  ddb = await startDynamoDBLocal();
  dynamodb = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
  streams = new DynamoDBStreamsClient(localDynamoDBClientConfig(ddb.endpoint));
  const created = await createResources(
    { streams: { orders: { source: { type: 'dynamodb', table: 'orders', keySchema: { partitionKey: 'pk' } } } } },
    { dynamodb },
  );
  const put = (Item: Record<string, AttributeValue>) =>
    dynamodb.send(new PutItemCommand({ TableName: 'orders', Item }));
  await put({
    pk: { S: 'all-types' },
    empty: { S: '' },
    decimal: { N: '-12.50' },
    tiny: { N: '1E-130' },
    digits: { N: '0.12345678901234567890123456789012345678' },
    safe: { N: '9007199254740991' },
    emptyBinary: { B: new Uint8Array(0) },
    binary: { B: Uint8Array.of(1, 2, 3) },
    yes: { BOOL: true },
    nothing: { NULL: true },
    strings: { SS: ['a', 'b', ''] },
    numbers: { NS: ['1', '2.5'] },
    binaries: { BS: [Uint8Array.of(1), Uint8Array.of(2)] },
    grid: { L: [{ L: [{ N: '1' }, { L: [{ S: 'x' }] }] }, { M: { a: { L: [{ M: { b: { S: 'c' } } }] } } }] },
    constructor: { M: { prototype: { M: { isAdmin: { BOOL: true } } } } },
    'x-api-key': { S: 'k' },
  });
  // The deepest map nesting DynamoDB Local accepts (its documented limit is 32 levels).
  deepestAccepted = 0;
  for (const depth of [
    MAX_ATTRIBUTE_DEPTH - 1,
    MAX_ATTRIBUTE_DEPTH,
    MAX_ATTRIBUTE_DEPTH + 1,
    MAX_ATTRIBUTE_DEPTH + 2,
  ]) {
    try {
      await put({ pk: { S: `deep-${depth}` }, deep: nestedMaps(depth) });
      deepestAccepted = depth;
    } catch {
      break;
    }
  }
  await put({ pk: { S: 'proto' }, ['__proto__']: { M: { isAdmin: { BOOL: true } } } });
  const source = createStreamSource('dynamodb', {
    client: streams,
    streamArn: created.streams.orders!.streamArn,
    region: REGION,
  });
  const [shard] = await source.listShards();
  const read = await source.read(await source.getIterator(shard!.shardId, { type: 'TRIM_HORIZON' }), 100);
  entries = decodeEvent({ Records: read.records.map((record) => record.lambdaRecord) }).entries;
});

afterAll(async () => {
  dynamodb?.destroy();
  streams?.destroy();
  await ddb?.stop();
});

describe('strict DynamoDB decoding (real DynamoDB Local)', () => {
  it('decodes every attribute type and edge value DynamoDB emits', () => {
    // Arrange
    const [first] = entries;

    // Act / Assert
    expect(first?.ok).toBe(true);
    if (first?.ok !== true || first.record.source !== 'dynamodb') throw new Error('not decoded');
    const image = first.record.newImage!;
    expect(image).toEqual({
      pk: 'all-types',
      empty: '',
      decimal: -12.5,
      tiny: 1e-130,
      digits: 0.12345678901234568,
      safe: 9007199254740991,
      emptyBinary: Buffer.alloc(0),
      binary: Buffer.from([1, 2, 3]),
      yes: true,
      nothing: null,
      strings: new Set(['a', 'b', '']),
      numbers: new Set([1, 2.5]),
      binaries: new Set([Buffer.from([1]), Buffer.from([2])]),
      grid: [[1, ['x']], { a: [{ b: 'c' }] }],
      constructor: { prototype: { isAdmin: true } },
      'x-api-key': 'k',
    });
    expect(Object.getPrototypeOf(image)).toBe(Object.prototype);
  });

  it('accepts the deepest nesting DynamoDB stores', () => {
    // Arrange
    const deep = entries.filter((entry) => entry.ok && String(entry.record.partitionKey).includes('deep-'));

    // Act / Assert
    expect(deepestAccepted).toBeGreaterThanOrEqual(MAX_ATTRIBUTE_DEPTH - 1);
    expect(deepestAccepted).toBeLessThanOrEqual(MAX_ATTRIBUTE_DEPTH);
    expect(deep.length).toBe(deepestAccepted - (MAX_ATTRIBUTE_DEPTH - 1) + 1);
  });

  it('refuses an attribute named __proto__ (DynamoDB stores it) with InvalidImageError naming it', () => {
    // Arrange
    const proto = entries.at(-1)!;

    // Act / Assert
    expect(proto.ok).toBe(false);
    if (proto.ok) throw new Error('decoded');
    expect(proto.failure.error.name).toBe('InvalidImageError');
    expect((proto.failure.error as InvalidImageError).path).toBe('NewImage.__proto__');
    expect(proto.failure.partitionKey).toBe('{"pk":"proto"}');
  });
});
