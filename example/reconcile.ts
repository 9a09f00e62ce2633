import { type Fate, RETRY_FATES } from 'shardflow';
import type { LocalRun } from 'shardflow/local';

/** One stream's accounting: every record written ends in exactly one bucket. */
export interface StreamLedger {
  readonly put: number;
  readonly processed: number;
  readonly quarantined: number;
  readonly onFailure: number;
  readonly missing: number;
  readonly onFailureRecords: number;
  readonly ok: boolean;
  readonly line: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Reconciles each stream from the generated input (the source of truth): records put = processed
 * (incl. duplicates skipped by idempotency) + quarantined (with their reason) + described by an
 * on-failure record. A record never seen by the function counts as missing, and fails the check, as
 * does a quarantine count different from the poison generated (none on a resumed run: poison already
 * quarantined is recognised by idempotency and not quarantined twice).
 *
 * @example
 * ```ts
 * const ledgers = await reconcile(run, finalFates, { orders: { put: 1000, poison: 10 } });
 * ```
 */
export async function reconcile(
  run: LocalRun,
  finalFates: ReadonlyMap<string, ReadonlyMap<string, Fate>>,
  expected: Record<string, { put: number; poison: number }>,
  resumed = false,
): Promise<Record<string, StreamLedger>> {
  const ledgers: Record<string, StreamLedger> = {};
  for (const [stream, { put, poison }] of Object.entries(expected)) {
    let processed = 0;
    let quarantined = 0;
    let onFailure = 0;
    for (const fate of finalFates.get(stream)?.values() ?? []) {
      if (fate === 'quarantined') quarantined++;
      else if (RETRY_FATES.has(fate)) onFailure++;
      else processed++;
    }
    const destination = run.destinations.get(stream);
    const records = destination?.list ? await destination.list() : [];
    const onFailureRecords = records.length;
    const missing = put - processed - quarantined - onFailure;
    // On a resumed run every record was handled before: poison comes back as a duplicate, not quarantined again.
    const ok = missing === 0 && quarantined === (resumed ? 0 : poison) && (onFailure === 0 || onFailureRecords > 0);
    ledgers[stream] = {
      put,
      processed,
      quarantined,
      onFailure,
      missing,
      onFailureRecords,
      ok,
      line: `put ${fmt(put)} = processed ${fmt(processed)} + quarantined ${fmt(quarantined)} + on-failure ${fmt(onFailure)}${
        missing !== 0 ? ` + MISSING ${fmt(missing)}` : ''
      } ${ok ? '✓' : '✗'} (poison generated ${fmt(poison)}; on-failure records ${fmt(onFailureRecords)})`,
    };
  }
  return ledgers;
}
