import type { BatchResult, RecordOutcome } from '../../processing/batch-engine.js';

/** What a shard's delivery produced. */
export interface ShardDelivery<R = unknown> {
  readonly invocations: number;
  readonly retries: number;
  /** Records given up after `maxRetries`: what AWS describes in an on-failure record, to redrive. */
  readonly exhausted: R[];
  /** The last outcome of every user record, keyed by eventID(+sub-sequence). */
  readonly finalOutcomes: Map<string, RecordOutcome>;
}

type Runner = (event: { Records: unknown[] }, context: object) => Promise<BatchResult>;

/**
 * Delivers one shard's records to a handler the way Lambda's ESM does for partial batch responses:
 * batches in order, redelivery from the lowest reported sequence number, at most `maxRetries` retries
 * per batch, then the rest of that batch is discarded. (The full local ESM — polling, bisect, record
 * age, destinations — is `src/esm`; this is the minimum needed to show checkpointing in the demo.)
 *
 * @example
 * ```ts
 * const result = await redeliverShard(handler.run, records, { batchSize: 100, maxRetries: 3 });
 * ```
 */
export async function redeliverShard<
  R extends { eventID?: string; kinesis?: { sequenceNumber: string }; dynamodb?: { SequenceNumber?: string } },
>(
  run: Runner,
  records: readonly R[],
  options: { batchSize: number; maxRetries: number; functionName: string },
): Promise<ShardDelivery<R>> {
  const finalOutcomes = new Map<string, RecordOutcome>();
  const sequenceOf = (r: R) => r.kinesis?.sequenceNumber ?? r.dynamodb?.SequenceNumber;
  let position = 0;
  let attempt = 0;
  let invocations = 0;
  let retries = 0;
  const exhausted: R[] = [];
  let batchEnd = 0; // a retry covers the rest of the same batch, from the checkpoint (AWS semantics)
  while (position < records.length) {
    if (attempt === 0) batchEnd = Math.min(records.length, position + options.batchSize);
    const batch = records.slice(position, batchEnd);
    invocations++;
    const result = await run(
      { Records: [...batch] },
      {
        awsRequestId: `demo-${invocations}`,
        functionName: options.functionName,
        getRemainingTimeInMillis: () => 60_000,
      },
    );
    for (const outcome of result.outcomes) {
      const source = batch[outcome.index]!;
      finalOutcomes.set(`${source.eventID}#${outcome.subSequenceNumber ?? ''}`, outcome);
    }
    const failures = result.response.batchItemFailures;
    if (failures.length === 0) {
      position += batch.length;
      attempt = 0;
      continue;
    }
    const lowest = failures.map((f) => batch.findIndex((r) => sequenceOf(r) === f.itemIdentifier));
    const from = lowest.includes(-1) ? 0 : Math.min(...lowest);
    if (attempt >= options.maxRetries) {
      exhausted.push(...batch.slice(from));
      position += batch.length;
      attempt = 0;
      continue;
    }
    attempt++;
    retries++;
    position += from;
  }
  return { invocations, retries, exhausted, finalOutcomes };
}
