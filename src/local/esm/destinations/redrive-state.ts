import { REDRIVE_STATE_SUFFIX } from './constants.js';
import { parseJsonObject } from './record-json.js';

/**
 * What became of one record in a redrive:
 * - a fate of the handler's (`processed`, `duplicate`, `ignored`, `quarantined`: handled; `failed`,
 *   `blocked`, `deferred`: reported for retry) — `--mode invoke`;
 * - `already-applied`: the idempotency store proved the record's effect had happened; it was not re-run;
 * - `put`: put onto the stream again (`--mode put`; the next consumer run processes it);
 * - `not-redriven`: an earlier batch of the same on-failure record failed, so it was left alone to keep
 *   the order per key.
 */
export type RecordRedriveOutcome =
  | 'processed'
  | 'duplicate'
  | 'ignored'
  | 'quarantined'
  | 'failed'
  | 'blocked'
  | 'deferred'
  | 'already-applied'
  | 'put'
  | 'not-redriven';

/** Outcomes after which a record needs no further redrive. */
export const HANDLED_REDRIVE_OUTCOMES: ReadonlySet<RecordRedriveOutcome> = new Set([
  'processed',
  'duplicate',
  'ignored',
  'quarantined',
  'already-applied',
  'put',
]);

/** One record (one KPL user record for aggregates, when invoked) of a redrive. */
export interface RedrivenRecord {
  readonly sequenceNumber: string;
  /** KPL user record within the aggregate (`--mode invoke` reports user records one by one). */
  readonly subSequenceNumber?: number;
  readonly partitionKey?: string;
  readonly outcome: RecordRedriveOutcome;
  /** `--mode put`: the sequence number the record got on the stream. */
  readonly newSequenceNumber?: string;
  /** The error of a record reported for retry, as `Name: message`. */
  readonly error?: string;
}

/** `redriven`: every record found ended handled; `failed`: some did not (redrive it again once fixed). */
export type RedriveStatus = 'redriven' | 'failed';

/** One run of `shardflow destinations redrive` on one on-failure record. */
export interface RedriveAttempt {
  /** When it finished, ISO-8601. */
  readonly at: string;
  /** Who ran it: `user@host`. */
  readonly by: string;
  /** The command line, e.g. `shardflow destinations redrive clicks --all --mode invoke`. */
  readonly command: string;
  readonly mode: 'invoke' | 'put';
  readonly status: RedriveStatus;
  /** Records the on-failure record describes (its `batchSize`). */
  readonly described: number;
  /** Described records no longer in the stream (trimmed by retention) and not in a payload: lost. */
  readonly missing: number;
  /** Records per outcome. */
  readonly counts: Readonly<Partial<Record<RecordRedriveOutcome, number>>>;
  readonly records: readonly RedrivenRecord[];
}

/**
 * The redrive state kept beside an on-failure record (`<key>.redrive.json` next to the S3 object or the
 * directory destination's file): every attempt, oldest first, and the latest one's status.
 */
export interface RedriveState {
  readonly version: 1;
  /** Key of the on-failure record it belongs to. */
  readonly key: string;
  /** The latest attempt's status. */
  readonly status: RedriveStatus;
  readonly attempts: readonly RedriveAttempt[];
}

/**
 * The status a redrive ends with: `redriven` when every record it touched ended handled (see
 * {@link HANDLED_REDRIVE_OUTCOMES}), else `failed`.
 *
 * @example
 * ```ts
 * redriveStatusOf([{ sequenceNumber: '1', outcome: 'processed' }]); // 'redriven'
 * redriveStatusOf([{ sequenceNumber: '1', outcome: 'failed' }]); // 'failed'
 * ```
 */
export function redriveStatusOf(records: readonly RedrivenRecord[]): RedriveStatus {
  return records.every((record) => HANDLED_REDRIVE_OUTCOMES.has(record.outcome)) ? 'redriven' : 'failed';
}

/**
 * Counts records per outcome.
 *
 * @example
 * ```ts
 * countOutcomes([{ sequenceNumber: '1', outcome: 'put' }]); // { put: 1 }
 * ```
 */
export function countOutcomes(
  records: readonly RedrivenRecord[],
): Readonly<Partial<Record<RecordRedriveOutcome, number>>> {
  const counts: Partial<Record<RecordRedriveOutcome, number>> = {};
  for (const record of records) counts[record.outcome] = (counts[record.outcome] ?? 0) + 1;
  return counts;
}

/**
 * The key (S3 object key, or path under the directory destination without `.json`) the redrive state of
 * an on-failure record is stored under: `<key>.redrive.json`. Lambda's keys end in a UUID, so this never
 * names an on-failure record.
 *
 * @example
 * ```ts
 * redriveStateKey('aws/lambda/…/2024-01-01T00.00.00-0b5e…'); // 'aws/lambda/…/2024-01-01T00.00.00-0b5e….redrive.json'
 * ```
 */
export function redriveStateKey(key: string): string {
  return `${key}${REDRIVE_STATE_SUFFIX}`;
}

/**
 * Whether a stored key holds a redrive state rather than an on-failure record.
 *
 * @example
 * ```ts
 * isRedriveStateKey('aws/lambda/…-0b5e….redrive.json'); // true
 * ```
 */
export function isRedriveStateKey(key: string): boolean {
  return key.endsWith(REDRIVE_STATE_SUFFIX);
}

/**
 * The state after one more attempt: the attempt appended, the status its own.
 *
 * @example
 * ```ts
 * const next = withRedriveAttempt(stored.redrive, stored.key, attempt);
 * ```
 */
export function withRedriveAttempt(
  previous: RedriveState | undefined,
  key: string,
  attempt: RedriveAttempt,
): RedriveState {
  return { version: 1, key, status: attempt.status, attempts: [...(previous?.attempts ?? []), attempt] };
}

/**
 * Parses a stored redrive state. Returns a reason string instead when the text is not one.
 *
 * @example
 * ```ts
 * const parsed = parseRedriveState(text);
 * if (typeof parsed === 'string') throw new Error(`the redrive state ${parsed}`);
 * ```
 */
export function parseRedriveState(text: string): RedriveState | string {
  const candidate = parseJsonObject(text);
  if (typeof candidate === 'string') return candidate;
  if (candidate.version !== 1) return 'has no version 1';
  if (typeof candidate.key !== 'string') return 'has no key';
  if (candidate.status !== 'redriven' && candidate.status !== 'failed') return 'has no status redriven|failed';
  if (!Array.isArray(candidate.attempts) || candidate.attempts.length === 0) return 'has no attempts';
  return candidate as unknown as RedriveState;
}
