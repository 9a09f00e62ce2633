import type { ShardDescription } from '../ports.js';

/** Shard fields as either stream API returns them (all optional in the SDK types). */
export interface ApiShardFields {
  readonly shardId: string | undefined;
  readonly parentShardId?: string | undefined;
  readonly adjacentParentShardId?: string | undefined;
  readonly startingSequenceNumber: string | undefined;
  readonly endingSequenceNumber?: string | undefined;
}

/**
 * Builds a {@link ShardDescription} holding only the fields the API set (no `undefined` keys), so
 * descriptions compare and serialise cleanly.
 *
 * @example
 * ```ts
 * shardDescription({ shardId: 'shardId-000000000001', parentShardId: 'shardId-000000000000',
 *   startingSequenceNumber: '4968…' });
 * ```
 */
export function shardDescription(fields: ApiShardFields): ShardDescription {
  const description: {
    shardId: string;
    parentShardId?: string;
    adjacentParentShardId?: string;
    startingSequenceNumber: string;
    endingSequenceNumber?: string;
  } = { shardId: fields.shardId ?? '', startingSequenceNumber: fields.startingSequenceNumber ?? '' };
  if (fields.parentShardId !== undefined) description.parentShardId = fields.parentShardId;
  if (fields.adjacentParentShardId !== undefined) description.adjacentParentShardId = fields.adjacentParentShardId;
  if (fields.endingSequenceNumber !== undefined) description.endingSequenceNumber = fields.endingSequenceNumber;
  return description;
}
