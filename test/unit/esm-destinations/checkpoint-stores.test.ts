import { describe, expect, it } from 'vitest';
import { sortableSequenceNumber } from '../../../src/local/esm/checkpoint/dynamodb-checkpoint-store.js';
import { CorruptCheckpointError, InvalidCheckpointError } from '../../../src/local/esm/checkpoint/errors.js';
import { parseCheckpointFile } from '../../../src/local/esm/checkpoint/file-checkpoint-store.js';
import { InMemoryCheckpointStore } from '../../../src/local/esm/checkpoint/in-memory-checkpoint-store.js';

const SHARD = 'shardId-000000000000';
const SEQUENCE = '49590338271490256608559692538361571095921575989136588898';

describe('InMemoryCheckpointStore', () => {
  it('loads an empty map for an unknown mapping', async () => {
    // Arrange
    const store = new InMemoryCheckpointStore();

    // Act
    const shards = await store.load('orders');

    // Assert
    expect(shards.size).toBe(0);
  });

  it('keeps the last save per shard, separately per mapping', async () => {
    // Arrange
    const store = new InMemoryCheckpointStore();

    // Act
    await store.save('orders', SHARD, { sequenceNumber: '1', ended: false });
    await store.save('orders', SHARD, { sequenceNumber: SEQUENCE, ended: false });
    await store.save('orders', 'shardId-000000000001', { sequenceNumber: undefined, ended: true });
    await store.save('clicks', SHARD, { sequenceNumber: '5', ended: false });

    // Assert
    expect(await store.load('orders')).toEqual(
      new Map([
        [SHARD, { sequenceNumber: SEQUENCE, ended: false }],
        ['shardId-000000000001', { sequenceNumber: undefined, ended: true }],
      ]),
    );
    expect(await store.load('clicks')).toEqual(new Map([[SHARD, { sequenceNumber: '5', ended: false }]]));
  });

  it('returns a copy that callers cannot use to change the store', async () => {
    // Arrange
    const store = new InMemoryCheckpointStore();
    await store.save('orders', SHARD, { sequenceNumber: '1', ended: false });

    // Act
    (await store.load('orders')).delete(SHARD);

    // Assert
    expect((await store.load('orders')).get(SHARD)).toEqual({ sequenceNumber: '1', ended: false });
  });

  it.each([
    [{ sequenceNumber: 'abc', ended: false }],
    [{ sequenceNumber: '1'.repeat(130), ended: false }],
    [{ sequenceNumber: '', ended: false }],
    [{ sequenceNumber: '1', ended: 'yes' }],
  ])('rejects the malformed checkpoint %j', async (checkpoint) => {
    // Arrange
    const store = new InMemoryCheckpointStore();

    // Act
    const saved = store.save('orders', SHARD, checkpoint as never);

    // Assert
    await expect(saved).rejects.toThrow(InvalidCheckpointError);
  });
});

describe('sortableSequenceNumber', () => {
  it('pads to 129 digits so that string order is numeric order', () => {
    // Arrange
    const numbers = ['100', '99', SEQUENCE, '4421584500000000017450439091', '7'];

    // Act
    const sortable = numbers.map(sortableSequenceNumber);

    // Assert
    for (const value of sortable) expect(value).toHaveLength(129);
    const byString = [...numbers].sort((a, b) => (sortableSequenceNumber(a) < sortableSequenceNumber(b) ? -1 : 1));
    const byNumber = [...numbers].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(byString).toEqual(byNumber);
  });

  it('sorts "no checkpoint yet" before every sequence number', () => {
    // Arrange
    const none = sortableSequenceNumber(undefined);

    // Act
    const lowest = sortableSequenceNumber('0');

    // Assert
    expect(none < lowest).toBe(true);
  });
});

describe('parseCheckpointFile', () => {
  it('accepts the documented shape, null for "no sequence number yet"', () => {
    // Arrange
    const text = JSON.stringify({
      shards: {
        [SHARD]: { sequenceNumber: SEQUENCE, ended: false, updatedAt: '2024-01-01T00:00:00.000Z' },
        'shardId-000000000001': { sequenceNumber: null, ended: true, updatedAt: '2024-01-01T00:00:00.000Z' },
      },
    });

    // Act
    const content = parseCheckpointFile('orders.json', text);

    // Assert
    expect(Object.keys(content.shards)).toEqual([SHARD, 'shardId-000000000001']);
  });

  it.each([
    ['truncated JSON', '{"shards":{"shardId-0":{"sequence'],
    ['no shards object', '{"checkpoints":{}}'],
    ['a non-numeric sequence number', '{"shards":{"s":{"sequenceNumber":"x","ended":false}}}'],
    ['a missing ended flag', '{"shards":{"s":{"sequenceNumber":"1"}}}'],
  ])('raises CorruptCheckpointError for %s', (_what, text) => {
    // Arrange: the text above

    // Act
    const parse = () => parseCheckpointFile('orders.json', text);

    // Assert
    expect(parse).toThrow(CorruptCheckpointError);
  });
});
