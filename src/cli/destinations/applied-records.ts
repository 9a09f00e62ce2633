import type { IdempotencyStore } from '../../runtime/processing/idempotency/idempotency-store.js';
import type { RedriveTarget } from './redrive-targets.js';

/** What the idempotency store proves about the records of a redrive. */
export interface AppliedLookup {
  /** Per target, in order: `true` when every one of its user records is `completed` in the store. */
  readonly applied: readonly boolean[];
  /** User records an invocation holds a live lock on (the handler will report them for retry). */
  readonly locked: number;
  /** Distinct idempotency keys looked up (0: no record had one, or there is no store). */
  readonly looked: number;
}

/**
 * Looks the idempotency keys of the records up in the store the handler uses (read-only, `lookup`): a
 * record is proven applied when every user record of it has a key and the key is `completed`. Records of
 * processors without idempotency, and records no processor would run, are never proven applied.
 *
 * @example
 * ```ts
 * const { applied } = await findApplied(store, targets);
 * const toRun = targets.filter((_, index) => !applied[index]);
 * ```
 */
export async function findApplied(
  store: IdempotencyStore | undefined,
  targets: readonly RedriveTarget[],
): Promise<AppliedLookup> {
  const keys = targets.flatMap(({ users }) => users.flatMap((user) => user.idempotencyKey ?? []));
  if (store?.lookup === undefined || keys.length === 0) {
    return { applied: targets.map(() => false), locked: 0, looked: 0 };
  }
  const distinct = [...new Set(keys)];
  const states = await store.lookup(distinct);
  let locked = 0;
  const applied = targets.map(({ users }) => {
    for (const user of users) if (user.idempotencyKey && states.get(user.idempotencyKey) === 'in-progress') locked++;
    return (
      users.length > 0 &&
      users.every((user) => user.idempotencyKey !== undefined && states.get(user.idempotencyKey) === 'completed')
    );
  });
  return { applied, locked, looked: distinct.length };
}
