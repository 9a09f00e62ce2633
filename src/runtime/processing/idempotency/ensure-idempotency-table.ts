import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureKeyedTable } from '../../aws/ensure-keyed-table.js';
import { loadDynamoDBSdk } from '../../aws/lazy-sdk.js';
import type { AwsSdkClient } from '../../aws/sdk-client.js';
import { IdempotencyAttribute } from './constants.js';
import { IdempotencyStoreError, IdempotencyTableError } from './errors.js';

/** Options for {@link ensureIdempotencyTable}. */
export interface EnsureIdempotencyTableOptions {
  /** How long to wait for a new table to become `ACTIVE`. Default 120 s. */
  readonly maxWaitSeconds?: number;
}

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
  sdkClient: AwsSdkClient,
  tableName: string,
  options: EnsureIdempotencyTableOptions = {},
): Promise<void> {
  const client = sdkClient as DynamoDBClient;
  await ensureKeyedTable(client, {
    tableName,
    partitionKey: IdempotencyAttribute.id,
    maxWaitSeconds: options.maxWaitSeconds ?? 120,
    failure: (step, cause, status) =>
      step === 'wait'
        ? new IdempotencyStoreError(`idempotency table '${tableName}' is ${status}, not ACTIVE, in time`)
        : storeError(`${step === 'create' ? 'creating' : 'describing'} idempotency table '${tableName}' failed`, cause),
    wrongKeySchema: (found) =>
      new IdempotencyTableError(
        'tableName',
        `table '${tableName}' must have exactly one key, the partition key '${IdempotencyAttribute.id}' of type S; found ${found}`,
      ),
  });
  await enableTimeToLive(client, tableName);
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  const { DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } = await loadDynamoDBSdk();
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
