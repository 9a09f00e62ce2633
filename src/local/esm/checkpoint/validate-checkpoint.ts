import type { ShardCheckpoint } from '../ports.js';
import { SORTABLE_SEQUENCE_WIDTH } from './constants.js';
import { InvalidCheckpointError } from './errors.js';

const SEQUENCE_NUMBER = new RegExp(`^\\d{1,${SORTABLE_SEQUENCE_WIDTH}}$`);

/**
 * Checks a checkpoint before it is stored: `sequenceNumber` is `undefined` or a decimal string of 1 to
 * 129 digits, `ended` a boolean.
 *
 * @throws {InvalidCheckpointError} otherwise
 *
 * @example
 * ```ts
 * assertValidCheckpoint('shardId-000000000000', { sequenceNumber: '4959…', ended: false });
 * ```
 */
export function assertValidCheckpoint(shardId: string, checkpoint: ShardCheckpoint): void {
  if (typeof shardId !== 'string' || shardId === '') throw new InvalidCheckpointError('shardId must not be empty');
  const { sequenceNumber, ended } = checkpoint;
  if (sequenceNumber !== undefined && (typeof sequenceNumber !== 'string' || !SEQUENCE_NUMBER.test(sequenceNumber))) {
    throw new InvalidCheckpointError(
      `checkpoint of ${shardId}: sequenceNumber ${JSON.stringify(sequenceNumber)} is not a decimal string of 1-${SORTABLE_SEQUENCE_WIDTH} digits`,
    );
  }
  if (typeof ended !== 'boolean') {
    throw new InvalidCheckpointError(`checkpoint of ${shardId}: ended must be a boolean, got ${JSON.stringify(ended)}`);
  }
}
