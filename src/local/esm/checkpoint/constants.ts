/** Attribute names of the DynamoDB checkpoint (lease) table. */
export const CheckpointAttribute = {
  /** Partition key (S): the event source mapping. */
  mappingId: 'mappingId',
  /** Sort key (S): the shard. */
  shardId: 'shardId',
  /** The checkpointed sequence number (S), absent before the first checkpoint. */
  checkpoint: 'checkpoint',
  /** `checkpoint` left-padded with zeros to {@link SORTABLE_SEQUENCE_WIDTH} digits, for conditions (S). */
  checkpointSortable: 'checkpointSortable',
  /** `true` once the shard is closed and fully handled (BOOL). */
  ended: 'ended',
  /** ISO-8601 time of the last save (S). */
  updatedAt: 'updatedAt',
} as const;

/**
 * Width of the zero-padded sequence number: the longest sequence number either API allows. Kinesis
 * sequence numbers match `0|([1-9]\d{0,128})` (up to 129 digits; real ones are ~56), DynamoDB Streams'
 * are 21 to 40 digits.
 */
export const SORTABLE_SEQUENCE_WIDTH = 129;

/** `checkpointSortable` of a shard saved without a sequence number: sorts before every digit string. */
export const NO_CHECKPOINT_SORTABLE = '-';

/** Suffix of a file checkpoint store's per-mapping file. */
export const CHECKPOINT_FILE_SUFFIX = '.json';
