import {
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type Update,
} from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { PermanentError, TransientError } from 'shardflow';
import type { Click } from '../schemas/click.js';

/** DynamoDB's limit on the actions of one `TransactWriteItems`. */
export const MAX_TRANSACTION_ITEMS = 100;
/** Clicks one session update carries: their completions plus the update itself fill one transaction. */
export const MAX_CLICKS_PER_UPDATE = MAX_TRANSACTION_ITEMS - 1;
/** Transactions of one commit in flight at once. */
const TRANSACTIONS_IN_FLIGHT = 4;

const FLAG = { add_to_cart: 'carted', checkout: 'checkedOut' } as const;

/**
 * Consecutive clicks of one session folded into one conditional update, with the idempotency completions
 * of exactly those clicks: applied in one transaction, the update and the completions commit together.
 */
export interface SessionDelta {
  readonly sessionId: string;
  userId: string;
  readonly firstAt: string;
  lastAt: string;
  clicks: number;
  carted: boolean;
  checkedOut: boolean;
  readonly completions: TransactWriteItem[];
}

/** A click older than the session's last applied click: per-key ordering was broken. Quarantined. */
export class OutOfOrderClickError extends PermanentError {}

/**
 * Some session deltas of a commit were not applied (their clicks are retried). `sessionIds` names them;
 * `cause` is the first reason (a cancelled transaction, a lost idempotency lock, a service error).
 */
export class SessionCommitError extends TransientError {
  readonly sessionIds: readonly string[];
  constructor(sessionIds: readonly string[], options: { cause: unknown }) {
    super(
      `${sessionIds.length} session update(s) not applied (${sessionIds.slice(0, 3).join(', ')}${sessionIds.length > 3 ? ', …' : ''}); their clicks are retried`,
      options,
    );
    this.sessionIds = sessionIds;
  }
}

/** A delta of one click (the first of a session in a batch, or a click applied on its own). */
export function deltaOf(click: Click, completion: TransactWriteItem | undefined): SessionDelta {
  return {
    sessionId: click.sessionId,
    userId: click.userId,
    firstAt: click.at,
    lastAt: click.at,
    clicks: 1,
    carted: click.action === 'add_to_cart',
    checkedOut: click.action === 'checkout',
    completions: completion === undefined ? [] : [completion],
  };
}

/**
 * The session update of a delta: counts its clicks, keeps the first click time, moves the last one and
 * sets the funnel flags, on the condition that time moves forward (`lastAt <= firstAt` of the delta).
 */
export function sessionUpdate(table: string, delta: SessionDelta): Update {
  const flags = [delta.carted ? FLAG.add_to_cart : undefined, delta.checkedOut ? FLAG.checkout : undefined].filter(
    (flag) => flag !== undefined,
  );
  return {
    TableName: table,
    Key: { sessionId: { S: delta.sessionId } },
    UpdateExpression: `SET userId = :user, firstAt = if_not_exists(firstAt, :first), lastAt = :last${flags.map((flag) => `, ${flag} = :yes`).join('')} ADD clicks :n`,
    ConditionExpression: 'attribute_not_exists(lastAt) OR lastAt <= :first',
    ExpressionAttributeValues: {
      ':user': { S: delta.userId },
      ':first': { S: delta.firstAt },
      ':last': { S: delta.lastAt },
      ':n': { N: String(delta.clicks) },
      ...(flags.length > 0 ? { ':yes': { BOOL: true } } : {}),
    },
  };
}

/**
 * One invocation's session deltas, in click order per session: a session's clicks of the batch become one
 * delta per {@link MAX_CLICKS_PER_UPDATE} clicks (almost always one).
 *
 * @example
 * ```ts
 * const batch = new SessionBatch();
 * batch.add(click, ctx.completionItem());
 * await batch.commit(client, 'sessions', (id) => suspects.add(id));
 * ```
 */
export class SessionBatch {
  readonly #deltas = new Map<string, SessionDelta[]>();

  /** Whether this batch already holds clicks of the session. */
  has(sessionId: string): boolean {
    return this.#deltas.has(sessionId);
  }

  /** Folds a click into its session's last delta. Throws {@link OutOfOrderClickError} for a click older than it. */
  add(click: Click, completion: TransactWriteItem | undefined): void {
    const deltas = this.#deltas.get(click.sessionId);
    const last = deltas?.at(-1);
    if (last === undefined) {
      this.#deltas.set(click.sessionId, [deltaOf(click, completion)]);
      return;
    }
    if (click.at < last.lastAt) {
      throw new OutOfOrderClickError(`click at ${click.at} arrived after a later click of ${click.sessionId}`);
    }
    if (last.completions.length >= MAX_CLICKS_PER_UPDATE) {
      deltas!.push(deltaOf(click, completion));
      return;
    }
    last.userId = click.userId;
    last.lastAt = click.at;
    last.clicks++;
    last.carted ||= click.action === 'add_to_cart';
    last.checkedOut ||= click.action === 'checkout';
    if (completion !== undefined) last.completions.push(completion);
  }

  /**
   * Applies every delta: deltas packed into transactions of up to {@link MAX_TRANSACTION_ITEMS} actions
   * (each delta's update with its clicks' completions), a session's later deltas only after its earlier
   * ones committed. A transaction cancelled for some deltas' sake (a session's time condition, a
   * completion whose lock another invocation took over) is retried without them; `onOutOfOrder` hears of
   * sessions whose time condition failed. Throws {@link SessionCommitError} naming the sessions not
   * applied — the engine then retries the batch's clicks, and idempotency skips those already applied.
   */
  async commit(client: DynamoDBClient, table: string, onOutOfOrder: (sessionId: string) => void): Promise<void> {
    const rounds: SessionDelta[][] = [];
    for (const deltas of this.#deltas.values()) {
      for (const [i, delta] of deltas.entries()) {
        if (rounds[i] === undefined) rounds[i] = [delta];
        else rounds[i].push(delta);
      }
    }
    const limit = pLimit(TRANSACTIONS_IN_FLIGHT);
    for (const round of rounds) {
      const failures = new Map<string, unknown>();
      await Promise.all(
        pack(round).map((deltas) => limit(() => applyTransaction(client, table, deltas, failures, onOutOfOrder))),
      );
      // A session's next delta is conditioned on this one: nothing more after a failure.
      if (failures.size > 0) throw new SessionCommitError([...failures.keys()], { cause: [...failures.values()][0] });
    }
  }
}

/** Deltas packed greedily into transactions of at most {@link MAX_TRANSACTION_ITEMS} actions. */
function pack(deltas: readonly SessionDelta[]): SessionDelta[][] {
  const transactions: SessionDelta[][] = [];
  let current: SessionDelta[] = [];
  let items = 0;
  for (const delta of deltas) {
    const size = 1 + delta.completions.length;
    if (items + size > MAX_TRANSACTION_ITEMS) {
      transactions.push(current);
      current = [];
      items = 0;
    }
    current.push(delta);
    items += size;
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
}

/** Commits deltas in one transaction, dropping (into `failures`) those the cancellation reasons blame. */
async function applyTransaction(
  client: DynamoDBClient,
  table: string,
  deltas: SessionDelta[],
  failures: Map<string, unknown>,
  onOutOfOrder: (sessionId: string) => void,
): Promise<void> {
  let pending = deltas;
  while (pending.length > 0) {
    const owners: { delta: SessionDelta; isUpdate: boolean }[] = [];
    const items: TransactWriteItem[] = [];
    for (const delta of pending) {
      items.push({ Update: sessionUpdate(table, delta) });
      owners.push({ delta, isUpdate: true });
      for (const completion of delta.completions) {
        items.push(completion);
        owners.push({ delta, isUpdate: false });
      }
    }
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || reasons?.length !== items.length) {
        // Unknown outcome (it may even have committed): retried; idempotency skips what did commit.
        for (const delta of pending) failures.set(delta.sessionId, error);
        return;
      }
      const blamed = new Set<SessionDelta>();
      reasons.forEach((reason, i) => {
        const code = reason.Code ?? 'None';
        if (code === 'None') return;
        const { delta, isUpdate } = owners[i]!;
        blamed.add(delta);
        if (isUpdate && code === 'ConditionalCheckFailed') {
          onOutOfOrder(delta.sessionId);
          failures.set(
            delta.sessionId,
            new OutOfOrderClickError(`clicks from ${delta.firstAt} arrived after a later click of ${delta.sessionId}`),
          );
        } else if (!failures.has(delta.sessionId)) {
          failures.set(delta.sessionId, error);
        }
      });
      if (blamed.size === 0) {
        for (const delta of pending) failures.set(delta.sessionId, error);
        return;
      }
      pending = pending.filter((delta) => !blamed.has(delta));
    }
  }
}
