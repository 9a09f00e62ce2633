import {
  DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { defineProcessor, PermanentError, TransientError } from 'shardflow';
import { z } from 'zod';
import { faults, injected, injectThrottling } from './faults.js';

/** One input record of the chaos run. */
export const ChaosRecord = z.object({ id: z.string(), key: z.string(), n: z.number().int().nonnegative() });

/** A record of a key applied after a later record of the same key. */
export class OrderViolationError extends PermanentError {}

let client: DynamoDBClient | undefined;
const dynamodb = () => (client ??= injectThrottling(new DynamoDBClient({}), faults.throttleRate));

/**
 * The chaos effect, verifiable afterwards: `chaos-effects[id].applied += 1` (a record applied twice shows
 * as 2) and `chaos-keys[key].lastN = n` only if `n` is above the key's last applied `n` (a record applied
 * out of order is rejected and quarantined as `OrderViolationError`). Both commit in one transaction
 * with the record's idempotency completion. A fraction of attempts fail on purpose (transient).
 */
export default defineProcessor({
  name: 'apply-effect',
  schema: ChaosRecord,
  idempotency: true,
  async process(record, ctx) {
    if (Math.random() < faults.transientRate) {
      injected.transient++;
      throw new TransientError('injected transient failure');
    }
    const items: TransactWriteItem[] = [
      {
        Update: {
          TableName: 'chaos-effects',
          Key: { id: { S: record.id } },
          UpdateExpression: 'SET #key = :key, n = :n ADD applied :one',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':key': { S: record.key }, ':n': { N: String(record.n) }, ':one': { N: '1' } },
        },
      },
      {
        Update: {
          TableName: 'chaos-keys',
          Key: { key: { S: record.key } },
          UpdateExpression: 'SET lastN = :n',
          ConditionExpression: 'attribute_not_exists(lastN) OR lastN < :n',
          ExpressionAttributeValues: { ':n': { N: String(record.n) } },
        },
      },
    ];
    const completion = ctx.completionItem();
    if (completion !== undefined) items.push(completion as TransactWriteItem);
    try {
      await dynamodb().send(new TransactWriteItemsCommand({ TransactItems: items }), { abortSignal: ctx.signal });
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [, keyReason, completionReason] = error.CancellationReasons ?? [];
      // Our lock was taken over (this invocation outlived it): nothing was applied; the new holder runs it.
      if (completionReason?.Code === 'ConditionalCheckFailed') throw new TransientError('idempotency lock lost');
      if (keyReason?.Code === 'ConditionalCheckFailed') {
        throw new OrderViolationError(`record ${record.n} of ${record.key} arrived after a later one`);
      }
      throw error;
    }
  },
});
