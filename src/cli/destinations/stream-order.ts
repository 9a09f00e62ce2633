import type { StoredOnFailureRecord } from '../../local/esm/destinations/index.js';
import { compareSequenceNumbers } from '../../runtime/processing/sequence-number.js';

/**
 * Orders stored on-failure records as their batches sit in the stream: by shard, then by start sequence
 * number. (Keys sort by time only to the second, and a random suffix breaks ties.)
 *
 * @example
 * ```ts
 * const ordered = [...(await destination.listStored())].sort(byStreamPosition);
 * ```
 */
export function byStreamPosition(a: StoredOnFailureRecord, b: StoredOnFailureRecord): number {
  const x = a.record.KinesisBatchInfo ?? a.record.DDBStreamBatchInfo;
  const y = b.record.KinesisBatchInfo ?? b.record.DDBStreamBatchInfo;
  if (x === undefined || y === undefined) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  if (x.shardId !== y.shardId) return x.shardId < y.shardId ? -1 : 1;
  return compareSequenceNumbers(x.startSequenceNumber, y.startSequenceNumber);
}
