import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { chunkByLimits } from './chunk-by-limits.js';
import { SERVICE_LIMITS } from './constants.js';
import {
  deliverWithRetry,
  type ItemFailure,
  type PendingItem,
  type QuarantineRetryOptions,
} from './deliver-with-retry.js';
import type { QuarantineEntry, QuarantineSink } from './quarantine-entry.js';
import type { QuarantineWriteFailure } from './quarantine-write-error.js';

/** Options for {@link DynamoDBQuarantineSink}. */
export interface DynamoDBQuarantineSinkOptions {
  readonly client: DynamoDBClient;
  /** Table with a string partition key `pk` and a string sort key `sk`. */
  readonly tableName: string;
  readonly retry?: QuarantineRetryOptions;
}

interface DynamoDBItem {
  readonly item: Record<string, AttributeValue>;
  readonly key: string;
  readonly bytes: number;
}

/**
 * Primary key of an entry's item: `pk` = `<stream>#<shardId|unknown>`, `sk` =
 * `<sequenceNumber|eventID>#<subSequenceNumber ?? 0>`, so one shard's poison records sort in stream order.
 *
 * @example
 * ```ts
 * quarantineItemKey(entry); // { pk: 'orders#shardId-000000000000', sk: '49590338271490256608559692538361571095921575989136588898#0' }
 * ```
 */
export function quarantineItemKey(entry: QuarantineEntry): { pk: string; sk: string } {
  return {
    pk: `${entry.stream}#${entry.shardId ?? 'unknown'}`,
    sk: `${entry.sequenceNumber ?? entry.eventID}#${entry.subSequenceNumber ?? 0}`,
  };
}

/**
 * Size of a marshalled item as DynamoDB counts it (attribute names + values; numbers approximated as
 * 1 byte + 1 per 2 digits; 3 bytes + 1 per element of overhead for maps and lists). Used to keep items
 * under 400 KB and requests under 16 MB before DynamoDB rejects the whole request.
 *
 * @example
 * ```ts
 * dynamoItemBytes({ pk: { S: 'a' } }); // 3
 * ```
 */
export function dynamoItemBytes(item: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + attributeBytes(value);
  return bytes;
}

function attributeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return 1 + Math.ceil(value.N.replace(/[^0-9]/g, '').length / 2);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) return 3 + dynamoItemBytes(value.M) + Object.keys(value.M).length;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + attributeBytes(element), 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + Buffer.byteLength(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + 1 + Math.ceil(element.length / 2), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + element.byteLength, 0);
  return 0;
}

/**
 * Quarantine sink writing one DynamoDB item per entry with `BatchWriteItem` (25 items and 16 MB per
 * call): key `pk`/`sk` from {@link quarantineItemKey}, the entry's fields as attributes. Items over
 * 400 KB (or that cannot be marshalled) are not sent and fail the write; `UnprocessedItems` are retried
 * with backoff. Two entries with the same key in one write collapse into the last one.
 *
 * @example
 * ```ts
 * const sink = new DynamoDBQuarantineSink({ client: new DynamoDBClient({}), tableName: 'shop-quarantine' });
 * await sink.write(entries);
 * ```
 */
export class DynamoDBQuarantineSink implements QuarantineSink {
  readonly kind = 'dynamodb';
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #retry: QuarantineRetryOptions;

  constructor(options: DynamoDBQuarantineSinkOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#retry = options.retry ?? {};
  }

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { maxItemBytes, maxItemsPerBatch, maxRequestBytes } = SERVICE_LIMITS.dynamodb;
    const byKey = new Map<string, PendingItem<DynamoDBItem>>();
    const rejected: QuarantineWriteFailure[] = [];
    for (const entry of entries) {
      const { pk, sk } = quarantineItemKey(entry);
      let item: Record<string, AttributeValue>;
      try {
        item = {
          ...marshall(entry, {
            removeUndefinedValues: true,
            convertClassInstanceToMap: true,
            allowImpreciseNumbers: true,
          }),
          pk: { S: pk },
          sk: { S: sk },
        };
      } catch (error) {
        rejected.push({ entry, reason: `cannot marshall entry: ${error instanceof Error ? error.message : error}` });
        continue;
      }
      const bytes = dynamoItemBytes(item);
      if (bytes > maxItemBytes) {
        rejected.push({ entry, reason: `item is ${bytes} bytes, over the ${maxItemBytes}-byte DynamoDB limit` });
        continue;
      }
      const key = `${pk}\u0000${sk}`;
      byKey.delete(key); // keep the last entry, in its own position
      byKey.set(key, { entry, request: { item, key, bytes } });
    }
    const chunks = chunkByLimits(
      [...byKey.values()],
      { maxItems: maxItemsPerBatch, maxBytes: maxRequestBytes },
      (pending) => pending.request.bytes,
    );
    await deliverWithRetry(this.kind, chunks, (chunk) => this.#send(chunk), this.#retry, rejected);
  }

  async #send(chunk: readonly PendingItem<DynamoDBItem>[]): Promise<ItemFailure<DynamoDBItem>[]> {
    const response = await this.#client.send(
      new BatchWriteItemCommand({
        RequestItems: { [this.#tableName]: chunk.map(({ request }) => ({ PutRequest: { Item: request.item } })) },
      }),
    );
    const unprocessed = response.UnprocessedItems?.[this.#tableName] ?? [];
    if (unprocessed.length === 0) return [];
    const byKey = new Map(chunk.map((pending) => [pending.request.key, pending]));
    const failures: ItemFailure<DynamoDBItem>[] = [];
    for (const request of unprocessed) {
      const item = request.PutRequest?.Item;
      const pending = byKey.get(`${item?.pk?.S}\u0000${item?.sk?.S}`);
      if (pending !== undefined)
        failures.push({ item: pending, reason: 'BatchWriteItem left the item unprocessed', retryable: true });
    }
    return failures;
  }
}
