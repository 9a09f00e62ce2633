import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureKeyedTable } from '../../../runtime/aws/ensure-keyed-table.js';
import { CheckpointAttribute } from './constants.js';
import { CheckpointStoreError, CheckpointTableError } from './errors.js';

/** Options for {@link ensureCheckpointTable}. */
export interface EnsureCheckpointTableOptions {
  /** How long to wait for a new table to become `ACTIVE`. Default 120 s. */
  readonly maxWaitSeconds?: number;
}

/**
 * Makes sure `tableName` can hold checkpoints for {@link DynamoDBCheckpointStore}: creates it when
 * missing (partition key `mappingId` S, sort key `shardId` S, on-demand billing) and waits until it is
 * `ACTIVE`. Idempotent and safe to race with another caller creating the same table. Meant for local
 * development, tests and benchmarks; in AWS the table belongs in the deployment template.
 *
 * @throws {CheckpointTableError} when the table exists with another key schema
 * @throws {CheckpointStoreError} when DynamoDB fails, or the table is not `ACTIVE` in time
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
 * await ensureCheckpointTable(client, 'shardflow-checkpoints');
 * ```
 */
export async function ensureCheckpointTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureCheckpointTableOptions = {},
): Promise<void> {
  await ensureKeyedTable(client, {
    tableName,
    partitionKey: CheckpointAttribute.mappingId,
    sortKey: CheckpointAttribute.shardId,
    maxWaitSeconds: options.maxWaitSeconds ?? 120,
    failure: (step, cause) => tableError(tableName, STEP_MESSAGES[step], cause),
    wrongKeySchema: (found) =>
      new CheckpointTableError(
        'tableName',
        `table '${tableName}' must have partition key '${CheckpointAttribute.mappingId}' (S) and sort key '${CheckpointAttribute.shardId}' (S); found ${found}`,
      ),
  });
}

const STEP_MESSAGES = {
  create: 'creating the table failed',
  describe: 'describing the table failed',
  wait: 'waiting for the table',
} as const;

function tableError(tableName: string, message: string, cause: unknown): CheckpointStoreError {
  return new CheckpointStoreError('dynamodb', '*', `${message} (table '${tableName}')`, { cause });
}
