import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { defineProcessor, PermanentError } from 'shardflow';
import { Click } from '../schemas/click.js';

/** The session aggregate table (created by the stack, or by `npm start` locally). */
export const SESSIONS_TABLE = process.env.SHOP_SESSIONS_TABLE ?? 'shop-analytics-sessions';

let client: DynamoDBClient | undefined;
const dynamodb = () => (client ??= new DynamoDBClient({}));

/** A click older than the session's last applied click: per-key ordering was broken. */
export class OutOfOrderClickError extends PermanentError {}

const FLAG = { add_to_cart: 'carted', checkout: 'checkedOut' } as const;

/**
 * Clickstream → per-session summaries in DynamoDB: clicks, first and last click time, and the funnel
 * flags (added to cart, checked out). Exactly once through shardflow's idempotency (the update commits in
 * one transaction with the record's completion, so not even a crash can apply it twice); in order through its
 * per-partition-key (userId) ordering — the update is conditional on time moving forward, so an
 * out-of-order click would be quarantined with `OutOfOrderClickError` rather than applied.
 */
export default defineProcessor({
  name: 'click-sessions',
  schema: Click,
  idempotency: true,
  async process(click, ctx) {
    const flag = click.action === 'view' ? undefined : FLAG[click.action];
    const update = {
      TableName: SESSIONS_TABLE,
      Key: { sessionId: { S: click.sessionId } },
      UpdateExpression: `SET userId = :user, firstAt = if_not_exists(firstAt, :at), lastAt = :at${flag ? `, ${flag} = :yes` : ''} ADD clicks :one`,
      ConditionExpression: 'attribute_not_exists(lastAt) OR lastAt <= :at',
      ExpressionAttributeValues: {
        ':user': { S: click.userId },
        ':at': { S: click.at },
        ':one': { N: '1' },
        ...(flag ? { ':yes': { BOOL: true } } : {}),
      },
    };
    // The session update and the record's idempotency completion commit together: exactly once even if
    // the function dies between them.
    const completion = ctx.completionItem() as TransactWriteItem | undefined;
    try {
      if (completion === undefined) await dynamodb().send(new UpdateItemCommand(update), { abortSignal: ctx.signal });
      else {
        await dynamodb().send(new TransactWriteItemsCommand({ TransactItems: [{ Update: update }, completion] }), {
          abortSignal: ctx.signal,
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
  },
});
