import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  QueryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * One record's journey, stamped by the cloud benchmark's processors: when it was put, when Kinesis
 * received it, when its invocation started and when the processor finished with it.
 */
export interface Stamp {
  readonly runId: string;
  /** `<memoryMB>#<eventId>`. */
  readonly sk: string;
  readonly memoryMB: number;
  readonly eventId: string;
  readonly requestId: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly putAtMs: number;
  readonly arrivalMs: number;
  /** The invocation's start: the Lambda deadline minus the function timeout. */
  readonly invokeStartMs: number;
  readonly completedMs: number;
}

/** BatchWriteItem takes at most 25 items. */
const BATCH_WRITE_LIMIT = 25;

/**
 * Creates the results table (`runId` + `sk`, on-demand) unless it exists, and waits until it is ACTIVE.
 *
 * @example
 * ```ts
 * await ensureResultsTable(dynamodb, 'shardflow-bench-results');
 * ```
 */
export async function ensureResultsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'runId', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'runId', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 120; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await sleep(500);
  }
  throw new Error(`results table ${tableName} is not ACTIVE after 60 s`);
}

/**
 * Deletes the results table (gone already is fine).
 *
 * @example
 * ```ts
 * await deleteResultsTable(dynamodb, 'shardflow-bench-results');
 * ```
 */
export async function deleteResultsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
}

/**
 * Every stamp of a run (Query by `runId`, following pages).
 *
 * @example
 * ```ts
 * const stamps = await readStamps(dynamodb, 'shardflow-bench-results', runId);
 * ```
 */
export async function readStamps(client: DynamoDBClient, tableName: string, runId: string): Promise<Stamp[]> {
  const stamps: Stamp[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'runId = :run',
        ExpressionAttributeValues: { ':run': { S: runId } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) stamps.push(unmarshall(item) as Stamp);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return stamps;
}

/**
 * Writes stamps in BatchWriteItem calls of 25: `add` queues a stamp and resolves once it is stored; all
 * stamps added in the same turn of the event loop (the records of a batch run concurrently) share calls.
 * Unprocessed items are retried with backoff.
 *
 * @example
 * ```ts
 * const writer = new StampWriter(dynamodb, 'shardflow-bench-results');
 * await writer.add(stamp);
 * ```
 */
export class StampWriter {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  #queue: { stamp: Stamp; done: (error?: unknown) => void }[] = [];
  #scheduled = false;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  add(stamp: Stamp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ stamp, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const queued = this.#queue;
    this.#queue = [];
    for (let i = 0; i < queued.length; i += BATCH_WRITE_LIMIT) {
      const chunk = queued.slice(i, i + BATCH_WRITE_LIMIT);
      try {
        await this.#write(chunk.map((entry) => ({ PutRequest: { Item: marshall(entry.stamp) } })));
        for (const entry of chunk) entry.done();
      } catch (error) {
        for (const entry of chunk) entry.done(error);
      }
    }
  }

  async #write(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
      if (attempt > 10) throw new Error(`${pending.length} stamps not stored after ${attempt} attempts`);
      const output = await this.#client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.#tableName]: pending } }),
      );
      pending = output.UnprocessedItems?.[this.#tableName] ?? [];
    }
  }
}
