import type { RecordOutcome } from '../runtime/processing/batch-engine.js';
import type { FateCounts } from '../runtime/processing/fates.js';
import { formatTable } from './format-table.js';

/** Error messages longer than this are cut in tables (the full text is in the logs and the quarantine). */
const MAX_MESSAGE_LENGTH = 120;

/**
 * The per-record outcomes of a batch as a table: index, shard, sequence number (`.sub` for KPL user
 * records), partition key, processor, fate, and the error as `Name: message`.
 *
 * @example
 * ```ts
 * const { outcomes } = await handler.run(event);
 * process.stderr.write(`${formatOutcomes(outcomes)}\n`);
 * ```
 */
export function formatOutcomes(outcomes: readonly RecordOutcome[]): string {
  return formatTable(
    ['#', 'shard', 'sequence', 'partition key', 'processor', 'fate', 'error'],
    outcomes.map((outcome) => [
      String(outcome.index),
      outcome.shardId ?? '',
      outcome.sequenceNumber === undefined
        ? ''
        : outcome.subSequenceNumber === undefined
          ? outcome.sequenceNumber
          : `${outcome.sequenceNumber}.${outcome.subSequenceNumber}`,
      outcome.partitionKey ?? '',
      outcome.processor ?? '',
      outcome.fate,
      outcome.error === undefined ? '' : oneLine(outcome.error),
    ]),
  );
}

/**
 * Fate counts as one line, non-zero fates only: `3 records: 2 processed, 1 quarantined`.
 *
 * @example
 * ```ts
 * formatFateCounts({ ...emptyFateCounts(), processed: 2, quarantined: 1 }); // '3 records: 2 processed, 1 quarantined'
 * ```
 */
export function formatFateCounts(counts: FateCounts): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const parts = entries.map(([fate, n]) => `${n} ${fate}`);
  return `${total} record${total === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

function oneLine(error: Error): string {
  const message = (error.message.split('\n')[0] ?? '').trim();
  const cut = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
  return cut === '' ? error.name : `${error.name}: ${cut}`;
}
