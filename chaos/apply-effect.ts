import { randomBytes } from 'node:crypto';
import {
  DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { defineProcessor, TransientError } from 'shardflow';
import { z } from 'zod';
import { effectsOf, faults, injected, injectThrottling } from './faults.js';
import { appendToLedger } from './ledger.js';

/** One input record of the chaos run. */
export const ChaosRecord = z.object({ id: z.string(), key: z.string(), n: z.number().int().nonnegative() });

let client: DynamoDBClient | undefined;
const dynamodb = () => (client ??= injectThrottling(new DynamoDBClient({}), faults.throttleRate));

/**
 * The chaos effect, verifiable afterwards: an entry in the ledger of the record's key (see `ledger.ts`),
 * committed in one transaction with the record's idempotency completion. The effect guards nothing
 * itself — a second application or an out-of-order one commits and shows in the ledger; only
 * shardflow's idempotency lock (the completion's condition) stands between a record and a second effect.
 * A fraction of attempts fail on purpose (transient).
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
    const effects = effectsOf(record.id).map((id) => ({
      id,
      attempt: randomBytes(6).toString('base64url'),
      invocation: ctx.awsRequestId,
    }));
    const items: TransactWriteItem[] = effects.length > 0 ? [appendToLedger(record.key, effects)] : [];
    const completion = ctx.completionItem();
    if (completion !== undefined) items.push(completion as TransactWriteItem);
    if (items.length === 0) return;
    try {
      await dynamodb().send(new TransactWriteItemsCommand({ TransactItems: items }), { abortSignal: ctx.signal });
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // The completion is the only conditional item: our lock was taken over (this invocation outlived
      // it), so nothing was applied; the new holder runs the record.
      if (error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new TransientError('idempotency lock lost');
      }
      throw error;
    }
  },
});
