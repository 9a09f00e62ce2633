import type { BatchItemFailure } from '../records/lambda-events.js';
import { RETRY_FATES } from './fates.js';
import { compareSequenceNumbers } from './sequence-number.js';

/** The minimum an outcome needs for checkpointing. */
export interface CheckpointInput {
  readonly shardId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly fate: string;
}

/**
 * The `batchItemFailures` for a batch: for each shard, the lowest sequence number whose record must
 * be redelivered. Lambda checkpoints just before the lowest reported identifier and redelivers
 * everything after it, so one identifier per shard says it all; reporting more would add nothing.
 *
 * @example
 * ```ts
 * checkpointFailures([{ shardId: 's', sequenceNumber: '7', fate: 'failed' }, { shardId: 's', sequenceNumber: '5', fate: 'blocked' }]);
 * // → [{ itemIdentifier: '5' }]
 * ```
 */
export function checkpointFailures(outcomes: Iterable<CheckpointInput>): BatchItemFailure[] {
  let lowest: Map<string | undefined, string> | undefined;
  for (const outcome of outcomes) {
    if (!RETRY_FATES.has(outcome.fate as never) || outcome.sequenceNumber === undefined) continue;
    lowest ??= new Map();
    const current = lowest.get(outcome.shardId);
    if (current === undefined || compareSequenceNumbers(outcome.sequenceNumber, current) < 0) {
      lowest.set(outcome.shardId, outcome.sequenceNumber);
    }
  }
  return lowest === undefined ? [] : Array.from(lowest.values(), (itemIdentifier) => ({ itemIdentifier }));
}
