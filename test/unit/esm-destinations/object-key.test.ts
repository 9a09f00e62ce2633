import { describe, expect, it } from 'vitest';
import { InvalidOnFailureInputError } from '../../../src/local/esm/destinations/errors.js';
import { onFailureObjectKey } from '../../../src/local/esm/destinations/object-key.js';
import { ESM_UUID, KINESIS_SHARD } from './fixtures.js';

/** AWS: `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>`. */
const KEY_LAYOUT =
  /^aws\/lambda\/(?<uuid>[^/]+)\/(?<shard>[^/]+)\/(?<y>\d{4})\/(?<m>\d{2})\/(?<d>\d{2})\/\k<y>-\k<m>-\k<d>T\d{2}\.\d{2}\.\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('onFailureObjectKey', () => {
  it('follows the documented layout in UTC, with zero-padded parts', () => {
    // Arrange
    const at = new Date('2024-03-05T07:08:09.999Z');

    // Act
    const key = onFailureObjectKey(ESM_UUID, KINESIS_SHARD, at, 'f47ac10b-58cc-4372-a567-0e02b2c3d479');

    // Assert
    expect(key).toBe(
      `aws/lambda/${ESM_UUID}/${KINESIS_SHARD}/2024/03/05/2024-03-05T07.08.09-f47ac10b-58cc-4372-a567-0e02b2c3d479`,
    );
  });

  it('ends in a fresh random UUID by default, so two keys of the same second differ', () => {
    // Arrange
    const at = new Date('2024-12-31T23:59:59.000Z');

    // Act
    const keys = [onFailureObjectKey(ESM_UUID, KINESIS_SHARD, at), onFailureObjectKey(ESM_UUID, KINESIS_SHARD, at)];

    // Assert
    for (const key of keys) expect(key).toMatch(KEY_LAYOUT);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[0]).toContain('/2024/12/31/2024-12-31T23.59.59-');
  });

  it.each([
    ['esmUuid', '', KINESIS_SHARD],
    ['esmUuid', '..', KINESIS_SHARD],
    ['shardId', ESM_UUID, 'shard/../../etc'],
    ['shardId', ESM_UUID, 'shard\\x'],
    ['shardId', ESM_UUID, 'shard\nx'],
  ])('rejects a %s that cannot be one key segment (%j / %j)', (_name, uuid, shard) => {
    // Arrange
    const at = new Date('2024-01-01T00:00:00Z');

    // Act
    const build = () => onFailureObjectKey(uuid, shard, at);

    // Assert
    expect(build).toThrow(InvalidOnFailureInputError);
  });
});
