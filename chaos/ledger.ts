import { type DynamoDBClient, paginateScan, type TransactWriteItem } from '@aws-sdk/client-dynamodb';

/**
 * The chaos ledger: one item per partition key whose `effects` list gets one entry appended per committed
 * effect, in the transaction that commits it (beside the record's idempotency completion). The append
 * has no condition — nothing in the effect itself rejects a second application or an out-of-order one —
 * so the list is exactly the sequence in which the effects of that key committed: a record applied twice
 * appears twice, a record applied before an earlier one of its key appears before it.
 */
export const LEDGER_TABLE = 'chaos-ledger';

/** One committed effect: which record, which attempt (unique per attempt) and which invocation. */
export interface LedgerEntry {
  readonly id: string;
  readonly attempt: string;
  readonly invocation?: string | undefined;
}

/** A key's committed effects, in commit order. */
export type Ledger = ReadonlyMap<string, readonly LedgerEntry[]>;

/**
 * The `TransactWriteItem` that appends `entries` to the ledger of `key` (one atomic append, no condition).
 *
 * @example
 * ```ts
 * await dynamodb.send(new TransactWriteItemsCommand({
 *   TransactItems: [appendToLedger('e-7', [{ id: 'r0000042', attempt: 'k3J9xQ2a' }]), ctx.completionItem()!],
 * }));
 * ```
 */
export function appendToLedger(key: string, entries: readonly LedgerEntry[]): TransactWriteItem {
  return {
    Update: {
      TableName: LEDGER_TABLE,
      Key: { key: { S: key } },
      UpdateExpression: 'SET #effects = list_append(if_not_exists(#effects, :empty), :entries)',
      ExpressionAttributeNames: { '#effects': 'effects' },
      ExpressionAttributeValues: {
        ':empty': { L: [] },
        ':entries': {
          L: entries.map((e) => ({
            M: {
              id: { S: e.id },
              attempt: { S: e.attempt },
              ...(e.invocation === undefined ? {} : { invocation: { S: e.invocation } }),
            },
          })),
        },
      },
    },
  };
}

/**
 * A DynamoDB item holds at most 400 KB; an entry takes well under 100 bytes, so a key's ledger fits
 * this many entries with room to spare (for retries' duplicates, should there be any).
 */
export const MAX_RECORDS_PER_KEY = 2000;

/** Reads the whole ledger back (a strongly consistent scan). */
export async function readLedger(dynamodb: DynamoDBClient): Promise<Ledger> {
  const ledger = new Map<string, LedgerEntry[]>();
  for await (const page of paginateScan({ client: dynamodb }, { TableName: LEDGER_TABLE, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      ledger.set(
        item.key!.S!,
        (item.effects?.L ?? []).map(({ M: e }) => ({
          id: e!.id!.S!,
          attempt: e!.attempt!.S!,
          invocation: e!.invocation?.S,
        })),
      );
    }
  }
  return ledger;
}
