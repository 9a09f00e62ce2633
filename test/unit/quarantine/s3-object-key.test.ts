import { describe, expect, it } from 'vitest';
import { quarantineObjectKey } from '../../../src/runtime/processing/quarantine/s3-quarantine-sink.js';
import { kinesisEntry } from './fixtures.js';

describe('quarantineObjectKey', () => {
  it('lays keys out as <prefix><stream>/YYYY/MM/DD/HH/<timestamp>-<shard>-<first seq>-<random>.ndjson (UTC)', () => {
    // Arrange
    const entries = [kinesisEntry(4), kinesisEntry(5)];
    const at = new Date('2024-01-02T03:04:05.006Z');

    // Act
    const key = quarantineObjectKey('quarantine/', entries, at, 'a1b2c3d4e5f6');

    // Assert
    expect(key).toBe(
      `quarantine/clicks/2024/01/02/03/2024-01-02T03.04.05.006Z-shardId-000000000006-${entries[0]?.sequenceNumber}-a1b2c3d4e5f6.ndjson`,
    );
  });

  it('writes "unknown" for a missing shard id and "none" for a missing sequence number', () => {
    // Arrange
    const entry = kinesisEntry(1, { shardId: undefined, sequenceNumber: undefined, stream: 'orders' });

    // Act
    const key = quarantineObjectKey('q/', [entry], new Date('2024-12-31T23:59:59.999Z'), 'r');

    // Assert
    expect(key).toBe('q/orders/2024/12/31/23/2024-12-31T23.59.59.999Z-unknown-none-r.ndjson');
  });
});
