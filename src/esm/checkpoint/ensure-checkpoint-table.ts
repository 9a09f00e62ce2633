import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { CheckpointAttribute } from './constants.js';
import { CheckpointStoreError, CheckpointTableError } from './errors.js';

/** Options for {@link ensureCheckpointTable}. */
export interface EnsureCheckpointTableOptions {
  /** How long to wait for a new table to become `ACTIVE`. Default 120 s. */
  readonly maxWaitSeconds?: number;
}

const POLL_MS = 250;

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
  let table = await describeTable(client, tableName);
  if (table === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: CheckpointAttribute.mappingId, AttributeType: 'S' },
            { AttributeName: CheckpointAttribute.shardId, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: CheckpointAttribute.mappingId, KeyType: 'HASH' },
            { AttributeName: CheckpointAttribute.shardId, KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (error) {
      // Someone else created it in the meantime: fine, it is checked below like any existing table.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) {
        throw tableError(tableName, 'creating the table failed', error);
      }
    }
    table = await describeTable(client, tableName);
  }
  assertKeySchema(tableName, table);
  const deadline = Date.now() + (options.maxWaitSeconds ?? 120) * 1000;
  while (table?.TableStatus !== 'ACTIVE') {
    if (Date.now() >= deadline) {
      throw tableError(tableName, 'waiting for the table', new Error(`status is ${table?.TableStatus}, not ACTIVE`));
    }
    await sleep(POLL_MS);
    table = await describeTable(client, tableName);
  }
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw tableError(tableName, 'describing the table failed', error);
  }
}

function assertKeySchema(tableName: string, table: TableDescription | undefined): void {
  const keys = table?.KeySchema ?? [];
  const typeOf = (name: string | undefined) =>
    table?.AttributeDefinitions?.find((definition) => definition.AttributeName === name)?.AttributeType;
  const hash = keys.find((key) => key.KeyType === 'HASH');
  const range = keys.find((key) => key.KeyType === 'RANGE');
  const ok =
    keys.length === 2 &&
    hash?.AttributeName === CheckpointAttribute.mappingId &&
    typeOf(hash.AttributeName) === 'S' &&
    range?.AttributeName === CheckpointAttribute.shardId &&
    typeOf(range.AttributeName) === 'S';
  if (!ok) {
    const found = keys.map((key) => `${key.AttributeName} (${key.KeyType})`).join(', ') || 'none';
    throw new CheckpointTableError(
      'tableName',
      `table '${tableName}' must have partition key '${CheckpointAttribute.mappingId}' (S) and sort key '${CheckpointAttribute.shardId}' (S); found ${found}`,
    );
  }
}

function tableError(tableName: string, message: string, cause: unknown): CheckpointStoreError {
  return new CheckpointStoreError('dynamodb', '*', `${message} (table '${tableName}')`, { cause });
}
