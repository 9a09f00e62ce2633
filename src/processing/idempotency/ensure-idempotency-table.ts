import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { IdempotencyAttribute } from './constants.js';
import { IdempotencyStoreError, IdempotencyTableError } from './errors.js';

/** Options for {@link ensureIdempotencyTable}. */
export interface EnsureIdempotencyTableOptions {
  /** How long to wait for a new table to become `ACTIVE`. Default 120 s. */
  readonly maxWaitSeconds?: number;
}

const POLL_MS = 250;

/**
 * Makes sure `tableName` can serve as an idempotency table: creates it when missing (partition key
 * `id` of type S, on-demand billing), waits until it is `ACTIVE`, and enables TTL on `expiration`.
 * Idempotent and safe to race with another caller creating the same table. Meant for local
 * development, tests and benchmarks; in AWS the table belongs in the deployment template.
 *
 * @throws {IdempotencyTableError} when the table exists with another key schema, or with TTL on another attribute
 * @throws {IdempotencyStoreError} when DynamoDB fails, or the table is not `ACTIVE` in time
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
 * await ensureIdempotencyTable(client, 'shardflow-idempotency');
 * const store = new DynamoDBIdempotencyStore({ client, tableName: 'shardflow-idempotency' });
 * ```
 */
export async function ensureIdempotencyTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureIdempotencyTableOptions = {},
): Promise<void> {
  let table = await describeTable(client, tableName);
  if (table === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [{ AttributeName: IdempotencyAttribute.id, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: IdempotencyAttribute.id, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (error) {
      // Someone else created it in the meantime: fine, it is checked below like any existing table.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) {
        throw storeError(`creating idempotency table '${tableName}' failed`, error);
      }
    }
    table = await describeTable(client, tableName);
  }
  assertKeySchema(tableName, table);
  const deadline = Date.now() + (options.maxWaitSeconds ?? 120) * 1000;
  while (table?.TableStatus !== 'ACTIVE') {
    if (Date.now() >= deadline) {
      throw new IdempotencyStoreError(`idempotency table '${tableName}' is ${table?.TableStatus}, not ACTIVE, in time`);
    }
    await sleep(POLL_MS);
    table = await describeTable(client, tableName);
  }
  await enableTimeToLive(client, tableName);
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw storeError(`describing idempotency table '${tableName}' failed`, error);
  }
}

function assertKeySchema(tableName: string, table: TableDescription | undefined): void {
  const keys = table?.KeySchema ?? [];
  const hash = keys.find((key) => key.KeyType === 'HASH');
  const type = table?.AttributeDefinitions?.find((definition) => definition.AttributeName === hash?.AttributeName);
  if (keys.length !== 1 || hash?.AttributeName !== IdempotencyAttribute.id || type?.AttributeType !== 'S') {
    const found = keys.map((key) => `${key.AttributeName} (${key.KeyType})`).join(', ') || 'none';
    throw new IdempotencyTableError(
      'tableName',
      `table '${tableName}' must have exactly one key, the partition key '${IdempotencyAttribute.id}' of type S; found ${found}`,
    );
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  let description: { TimeToLiveStatus?: string | undefined; AttributeName?: string | undefined } | undefined;
  try {
    description = (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
  } catch (error) {
    throw storeError(`describing the TTL of idempotency table '${tableName}' failed`, error);
  }
  const status = description?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') {
    if (description?.AttributeName === IdempotencyAttribute.expiration) return;
    throw new IdempotencyTableError(
      'tableName',
      `table '${tableName}' has TTL on '${description?.AttributeName}'; idempotency items expire through '${IdempotencyAttribute.expiration}'`,
    );
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: IdempotencyAttribute.expiration },
      }),
    );
  } catch (error) {
    throw storeError(`enabling TTL on idempotency table '${tableName}' failed`, error);
  }
}

function storeError(message: string, error: unknown): IdempotencyStoreError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new IdempotencyStoreError(`${message}: ${detail}`, { cause: error });
}
