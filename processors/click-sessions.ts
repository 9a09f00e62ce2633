import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { defineProcessor } from 'shardflow';
import { Click } from '../schemas/click.js';
import { deltaOf, OutOfOrderClickError, SessionBatch, sessionUpdate } from './session-updates.js';

export { OutOfOrderClickError, SessionCommitError } from './session-updates.js';

/** The session aggregate table (created by the stack, or by `npm start` locally). */
export const SESSIONS_TABLE = process.env.SHOP_SESSIONS_TABLE ?? 'shop-analytics-sessions';

let client: DynamoDBClient | undefined;
const dynamodb = () => (client ??= new DynamoDBClient({}));

/**
 * Sessions whose batched update failed its time condition: an older click came after a newer one was
 * applied. Their clicks are then applied one at a time, so the late click itself is quarantined with
 * {@link OutOfOrderClickError} and the others still count. Per execution environment; bounded.
 */
const applyOneByOne = new Set<string>();
const MAX_ONE_BY_ONE = 10_000;
const markOutOfOrder = (sessionId: string) => {
  if (applyOneByOne.size >= MAX_ONE_BY_ONE) applyOneByOne.clear();
  applyOneByOne.add(sessionId);
};

/**
 * Clickstream → per-session summaries in DynamoDB: clicks, first and last click time, and the funnel
 * flags (added to cart, checked out).
 *
 * Exactly once through shardflow's idempotency: each session's clicks of a batch become one conditional
 * update, committed in one transaction together with those clicks' idempotency completions (several
 * sessions share a transaction, up to DynamoDB's 100 actions; a session with more clicks is split into
 * consecutive updates). So an update and its clicks' completions commit together or not at all — not
 * even a crash between them can apply a click twice, and a redelivered click finds itself completed.
 *
 * In order through shardflow's per-partition-key (userId) ordering: the update is conditional on time
 * moving forward. An out-of-order click within a batch is quarantined with `OutOfOrderClickError`; one
 * older than what an earlier batch applied fails the commit (the batch's clicks are retried, the applied
 * ones skipped as duplicates), and on the retry that session's clicks go one at a time, so exactly the
 * late click is quarantined.
 */
export default defineProcessor({
  name: 'click-sessions',
  schema: Click,
  idempotency: true,
  batch: {
    create: () => new SessionBatch(),
    commit: (sessions) => sessions.commit(dynamodb(), SESSIONS_TABLE, markOutOfOrder),
  },
  async process(click, ctx) {
    const completion = ctx.completionItem() as TransactWriteItem | undefined;
    if (!applyOneByOne.has(click.sessionId) || ctx.batch.has(click.sessionId)) {
      ctx.batch.add(click, completion);
      return;
    }
    await applyNow(click, completion, ctx.signal as AbortSignal);
    applyOneByOne.delete(click.sessionId); // in order again: batch its later clicks
  },
});

/** Applies one click on its own: its session update and its completion in one transaction. */
async function applyNow(click: Click, completion: TransactWriteItem | undefined, abortSignal: AbortSignal) {
  const update = sessionUpdate(SESSIONS_TABLE, deltaOf(click, undefined));
  try {
    if (completion === undefined) await dynamodb().send(new UpdateItemCommand(update), { abortSignal });
    else {
      await dynamodb().send(new TransactWriteItemsCommand({ TransactItems: [{ Update: update }, completion] }), {
        abortSignal,
      });
    }
  } catch (error) {
    const sessionCondition =
      error instanceof ConditionalCheckFailedException ||
      (error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed');
    if (sessionCondition) {
      throw new OutOfOrderClickError(`click at ${click.at} arrived after a later click of ${click.sessionId}`);
    }
    throw error;
  }
}
