import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient, KeySchemaElement, TableDescription } from '@aws-sdk/client-dynamodb';
import { loadDynamoDBSdk } from './lazy-sdk.js';

/** What {@link ensureKeyedTable} makes sure of, and how its caller names what goes wrong. */
export interface KeyedTableSpec {
  readonly tableName: string;
  /** Partition key attribute (type S). */
  readonly partitionKey: string;
  /** Sort key attribute (type S), when the table has one. */
  readonly sortKey?: string;
  /** How long to wait for the table to become `ACTIVE`. */
  readonly maxWaitSeconds: number;
  /** The error for a failed DynamoDB call (`create`, `describe`) or a table not `ACTIVE` in time (`wait`, with its status). */
  failure(step: 'create' | 'describe' | 'wait', cause: unknown, status?: string): Error;
  /** The error for an existing table with another key schema; `found` lists its keys. */
  wrongKeySchema(found: string): Error;
}

const POLL_MS = 250;

/**
 * Makes sure a table with exactly the given string keys exists and is `ACTIVE`: creates it when missing
 * (on-demand billing), accepts a concurrent creation, checks an existing table's key schema, and waits.
 * The shared mechanism behind `ensureCheckpointTable` and `ensureIdempotencyTable`; each names its own
 * errors through the spec.
 *
 * @example
 * ```ts
 * const table = await ensureKeyedTable(client, { tableName: 'idem', partitionKey: 'id', maxWaitSeconds: 120,
 *   failure: (step, cause) => new Error(`${step} failed`, { cause }), wrongKeySchema: (found) => new Error(found) });
 * ```
 */
export async function ensureKeyedTable(client: DynamoDBClient, spec: KeyedTableSpec): Promise<TableDescription> {
  const keys: KeySchemaElement[] = [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }];
  if (spec.sortKey !== undefined) keys.push({ AttributeName: spec.sortKey, KeyType: 'RANGE' });
  let table = await describeTable(client, spec);
  if (table === undefined) {
    const { CreateTableCommand } = await loadDynamoDBSdk();
    try {
      await client.send(
        new CreateTableCommand({
          TableName: spec.tableName,
          AttributeDefinitions: keys.map((key) => ({ AttributeName: key.AttributeName, AttributeType: 'S' })),
          KeySchema: keys,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (error) {
      // Someone else created it in the meantime: fine, it is checked below like any existing table.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw spec.failure('create', error);
    }
    table = await describeTable(client, spec);
  }
  assertKeySchema(table, keys, spec);
  const deadline = Date.now() + spec.maxWaitSeconds * 1000;
  while (table?.TableStatus !== 'ACTIVE') {
    if (Date.now() >= deadline) {
      throw spec.failure('wait', new Error(`status is ${table?.TableStatus}, not ACTIVE`), table?.TableStatus);
    }
    await sleep(POLL_MS);
    table = await describeTable(client, spec);
  }
  return table;
}

async function describeTable(client: DynamoDBClient, spec: KeyedTableSpec): Promise<TableDescription | undefined> {
  const { DescribeTableCommand } = await loadDynamoDBSdk();
  try {
    return (await client.send(new DescribeTableCommand({ TableName: spec.tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw spec.failure('describe', error);
  }
}

function assertKeySchema(
  table: TableDescription | undefined,
  expected: KeySchemaElement[],
  spec: KeyedTableSpec,
): void {
  const keys = table?.KeySchema ?? [];
  const typeOf = (name: string | undefined) =>
    table?.AttributeDefinitions?.find((definition) => definition.AttributeName === name)?.AttributeType;
  const ok =
    keys.length === expected.length &&
    expected.every((want) => {
      const key = keys.find((k) => k.KeyType === want.KeyType);
      return key !== undefined && key.AttributeName === want.AttributeName && typeOf(key.AttributeName) === 'S';
    });
  if (!ok) throw spec.wrongKeySchema(keys.map((key) => `${key.AttributeName} (${key.KeyType})`).join(', ') || 'none');
}
