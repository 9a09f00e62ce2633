/**
 * What became of one record in a batch. Every record ends in exactly one fate.
 *
 * Handled (the shard may move past it): `processed`, `duplicate`, `ignored`, `quarantined`.
 * Reported for retry (checkpoint at the lowest one): `failed`, `blocked`, `deferred`.
 */
export const Fate = {
  /** The processor ran and returned. */
  processed: 'processed',
  /** Idempotency: the effect was already applied by an earlier delivery; not run again. */
  duplicate: 'duplicate',
  /** No route matched and the policy is `skip`. */
  ignored: 'ignored',
  /** A permanent failure, written to the quarantine sink with its reason. */
  quarantined: 'quarantined',
  /** A transient failure: reported for retry. */
  failed: 'failed',
  /** Not run because an earlier record of the same ordering key failed in this batch. */
  blocked: 'blocked',
  /** Not started because the deadline guard tripped. */
  deferred: 'deferred',
} as const;

export type Fate = (typeof Fate)[keyof typeof Fate];

/** Fates whose records must be redelivered. */
export const RETRY_FATES: ReadonlySet<Fate> = new Set([Fate.failed, Fate.blocked, Fate.deferred]);

/** Per-fate counts of one batch. */
export type FateCounts = Record<Fate, number>;

/** A zeroed {@link FateCounts}. */
export function emptyFateCounts(): FateCounts {
  return { processed: 0, duplicate: 0, ignored: 0, quarantined: 0, failed: 0, blocked: 0, deferred: 0 };
}
