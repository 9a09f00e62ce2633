import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { CheckpointStore, ShardCheckpoint } from '../ports.js';
import { CheckpointAttribute, NO_CHECKPOINT_SORTABLE, SORTABLE_SEQUENCE_WIDTH } from './constants.js';
import { CheckpointStoreError, CorruptCheckpointError } from './errors.js';
import { assertValidCheckpoint } from './validate-checkpoint.js';

/** Options for {@link DynamoDBCheckpointStore}. */
export interface DynamoDBCheckpointStoreOptions {
  readonly client: DynamoDBClient;
  /** A table created by {@link ensureCheckpointTable} (or with the same key schema). */
  readonly tableName: string;
  /** Clock for `updatedAt`. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * The value stored in `checkpointSortable`: the sequence number left-padded with zeros to 129 digits, or
 * `-` (which sorts before every digit) when there is none. DynamoDB compares strings byte by byte, so
 * `"99" > "100"`; padded to one width, string order is numeric order.
 *
 * @example
 * ```ts
 * sortableSequenceNumber('100'); // '000…000100' (129 characters)
 * sortableSequenceNumber(undefined); // '-'
 * ```
 */
export function sortableSequenceNumber(sequenceNumber: string | undefined): string {
  return sequenceNumber === undefined ? NO_CHECKPOINT_SORTABLE : sequenceNumber.padStart(SORTABLE_SEQUENCE_WIDTH, '0');
}

const NAMES = {
  '#mappingId': CheckpointAttribute.mappingId,
  '#checkpoint': CheckpointAttribute.checkpoint,
  '#sortable': CheckpointAttribute.checkpointSortable,
  '#ended': CheckpointAttribute.ended,
  '#updatedAt': CheckpointAttribute.updatedAt,
} as const;

/**
 * Checkpoint store in a DynamoDB table shaped like a KCL lease table: one item per shard, partition key
 * `mappingId` (S), sort key `shardId` (S), attributes `checkpoint` (S), `checkpointSortable` (S),
 * `ended` (BOOL) and `updatedAt` (S).
 *
 * `save` is one conditional `UpdateItem` that **never moves a checkpoint backwards**: it applies only
 * when the item is new, the new sequence number is higher, or it is the same one (which may set `ended`,
 * but never clears it). Sequence numbers are compared numerically through `checkpointSortable`, a copy
 * zero-padded to 129 digits, the longest Kinesis allows (DynamoDB compares strings of different lengths
 * as text, so `"99" > "100"`). A save that loses this check — an older checkpoint arriving late, or another worker being ahead — is a no-op,
 * not an error. `load` is a consistent, paginated `Query` of the mapping's items.
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
 * await ensureCheckpointTable(client, 'shardflow-checkpoints');
 * const store = new DynamoDBCheckpointStore({ client, tableName: 'shardflow-checkpoints' });
 * await store.save('orders', 'shardId-000000000000', { sequenceNumber: '4959…', ended: false });
 * ```
 */
export class DynamoDBCheckpointStore implements CheckpointStore {
  readonly kind = 'dynamodb';
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(options: DynamoDBCheckpointStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#now = options.now ?? (() => new Date());
  }

  async load(mappingId: string): Promise<Map<string, ShardCheckpoint>> {
    const shards = new Map<string, ShardCheckpoint>();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: '#mappingId = :mappingId',
            ExpressionAttributeNames: { '#mappingId': NAMES['#mappingId'] },
            ExpressionAttributeValues: { ':mappingId': { S: mappingId } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        throw new CheckpointStoreError(this.kind, mappingId, `querying table '${this.#tableName}' failed`, {
          cause: error,
        });
      }
      for (const item of page.Items ?? []) {
        const [shardId, checkpoint] = this.#fromItem(mappingId, item);
        shards.set(shardId, checkpoint);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return shards;
  }

  async save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void> {
    assertValidCheckpoint(shardId, checkpoint);
    const { sequenceNumber, ended } = checkpoint;
    const values: Record<string, AttributeValue> = {
      ':sortable': { S: sortableSequenceNumber(sequenceNumber) },
      ':ended': { BOOL: ended },
      ':updatedAt': { S: this.#now().toISOString() },
    };
    const set = ['#sortable = :sortable', '#ended = :ended', '#updatedAt = :updatedAt'];
    if (sequenceNumber !== undefined) {
      values[':checkpoint'] = { S: sequenceNumber };
      set.unshift('#checkpoint = :checkpoint');
    }
    // Same sequence number: an `ended` save always applies; an open one only while the shard is not ended.
    const same = ended ? '#sortable = :sortable' : '(#sortable = :sortable AND #ended = :false)';
    if (!ended) values[':false'] = { BOOL: false };
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: { [CheckpointAttribute.mappingId]: { S: mappingId }, [CheckpointAttribute.shardId]: { S: shardId } },
          UpdateExpression: `SET ${set.join(', ')}${sequenceNumber === undefined ? ' REMOVE #checkpoint' : ''}`,
          ConditionExpression: `attribute_not_exists(#sortable) OR #sortable < :sortable OR ${same}`,
          ExpressionAttributeNames: {
            '#checkpoint': NAMES['#checkpoint'],
            '#sortable': NAMES['#sortable'],
            '#ended': NAMES['#ended'],
            '#updatedAt': NAMES['#updatedAt'],
          },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // The stored checkpoint is ahead (or the shard already ended): keeping it is the point.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
      throw new CheckpointStoreError(this.kind, mappingId, `saving ${shardId} in table '${this.#tableName}' failed`, {
        cause: error,
      });
    }
  }

  #fromItem(mappingId: string, item: Record<string, AttributeValue>): [string, ShardCheckpoint] {
    const shardId = item[CheckpointAttribute.shardId]?.S;
    const checkpoint = item[CheckpointAttribute.checkpoint];
    const ended = item[CheckpointAttribute.ended]?.BOOL;
    const location = `${this.#tableName}[${mappingId}/${shardId ?? '?'}]`;
    if (shardId === undefined) throw new CorruptCheckpointError(location, 'the item has no shardId string');
    if (checkpoint !== undefined && (checkpoint.S === undefined || !/^\d+$/.test(checkpoint.S))) {
      throw new CorruptCheckpointError(location, 'checkpoint is not a decimal string');
    }
    if (ended === undefined) throw new CorruptCheckpointError(location, 'the item has no ended boolean');
    return [shardId, { sequenceNumber: checkpoint?.S, ended }];
  }
}
