import type { Ledger } from './ledger.js';

/** The ledger names a record that the run never wrote: the harness itself is broken. */
export class UnknownLedgerRecordError extends Error {
  constructor(
    readonly key: string,
    readonly id: string,
  ) {
    super(`the ledger of ${key} holds an effect of ${id}, which is not an input record`);
    this.name = 'UnknownLedgerRecordError';
  }
}

/** Two committed effects of one key, applied in the opposite of their stream order. */
export interface OrderViolation {
  readonly key: string;
  /** The record that comes later in the stream, but whose effect committed first. */
  readonly appliedFirst: string;
  readonly appliedSecond: string;
}

/**
 * How many times each record's effect committed (records without an effect are absent).
 *
 * @example
 * ```ts
 * commitsPerRecord(new Map([['k', [{ id: 'a', attempt: '1' }, { id: 'a', attempt: '2' }]]])); // Map { a → 2 }
 * ```
 */
export function commitsPerRecord(ledger: Ledger): Map<string, number> {
  const commits = new Map<string, number>();
  for (const entries of ledger.values()) for (const { id } of entries) commits.set(id, (commits.get(id) ?? 0) + 1);
  return commits;
}

/**
 * The pairs of committed effects of the same key whose commit order differs from their stream order
 * (`streamRank`: a record's position in the order the records were written to their stream). Two
 * effects of the same record are a duplicate, not an order question, and are not compared; a duplicate
 * committed after later records of its key is out of order with each of them, and counts.
 *
 * @example
 * ```ts
 * const ledger = new Map([['k', [{ id: 'b', attempt: '1' }, { id: 'a', attempt: '2' }]]]);
 * orderViolations(ledger, new Map([['a', 0], ['b', 1]])).count; // 1: b committed before a
 * ```
 */
export function orderViolations(
  ledger: Ledger,
  streamRank: ReadonlyMap<string, number>,
): { count: number; examples: OrderViolation[] } {
  let count = 0;
  const examples: OrderViolation[] = [];
  for (const [key, entries] of ledger) {
    const ranks = entries.map(({ id }) => {
      const rank = streamRank.get(id);
      if (rank === undefined) throw new UnknownLedgerRecordError(key, id);
      return rank;
    });
    for (let i = 0; i < ranks.length; i++) {
      for (let j = i + 1; j < ranks.length; j++) {
        if (ranks[i]! <= ranks[j]!) continue;
        count++;
        if (examples.length < 5) examples.push({ key, appliedFirst: entries[i]!.id, appliedSecond: entries[j]!.id });
      }
    }
  }
  return { count, examples };
}
