import type { BatchResult, RecordOutcome } from '../../runtime/processing/batch-engine.js';
import {
  type QuarantineEntry,
  type QuarantineSink,
  QuarantineWriteError,
} from '../../runtime/processing/quarantine/index.js';
import type { StreamEvent } from '../../runtime/records/lambda-events.js';

/**
 * What became of one record of the event (one user record, for KPL aggregates), in event order.
 *
 * - `id`: the record's identity as `batchItemFailures` speaks of it: the Kinesis sequence number (with
 *   `:<subSequenceNumber>` appended for a user record of a KPL aggregate), the DynamoDB `SequenceNumber`.
 * - `eventID`: the Lambda record's `eventID`.
 * - `partitionKey`: the ordering key: Kinesis partition key (the user record's for KPL), DynamoDB item key.
 * - `processor`: the name of the processor the record was routed to, if any.
 * - `fate`: `processed`, `duplicate`, `ignored`, `quarantined` (handled) or `failed`, `blocked`, `deferred`
 *   (reported for retry).
 * - `error`: why it was quarantined, failed or deferred.
 *
 * @example
 * ```ts
 * expect(run.outcomes).toEqual([
 *   { id: '4959…', eventID: 'shardId-000000000006:4959…', partitionKey: 'u1', processor: 'clicks', fate: 'processed', error: undefined },
 * ]);
 * ```
 */
export interface TestRecordOutcome extends Pick<RecordOutcome, 'partitionKey' | 'processor' | 'fate' | 'error'> {
  readonly id: string;
  readonly eventID: string | undefined;
}

/**
 * The result of {@link runProcessor} or {@link runHandler}: the Lambda response exactly as the handler
 * returns it, each record's fate, the quarantine entries written during the run, and per-fate counts.
 *
 * @example
 * ```ts
 * const { response, outcomes, quarantined, counts } = await runProcessor(orderFacts, event);
 * expect(response.batchItemFailures).toEqual([]);
 * expect(counts).toMatchObject({ processed: 2, quarantined: 1 });
 * ```
 */
export interface TestRun extends Pick<BatchResult, 'response' | 'counts'> {
  readonly outcomes: readonly TestRecordOutcome[];
  /** Entries the quarantine sink stored during this run, in write order. */
  readonly quarantined: readonly QuarantineEntry[];
}

/**
 * A sink that forwards to `sink` and remembers the entries it stored (all of a write that resolved; those
 * not named by a `QuarantineWriteError`).
 *
 * @example
 * ```ts
 * const recorder = recordingSink(new MemoryQuarantineSink());
 * await recorder.sink.write(entries);
 * recorder.stored; // entries
 * ```
 */
export function recordingSink(sink: QuarantineSink): { sink: QuarantineSink; stored: QuarantineEntry[] } {
  const stored: QuarantineEntry[] = [];
  return {
    stored,
    sink: {
      kind: sink.kind,
      async write(entries) {
        try {
          await sink.write(entries);
          stored.push(...entries);
        } catch (error) {
          if (error instanceof QuarantineWriteError) {
            const notStored = new Set(error.entries);
            stored.push(...entries.filter((entry) => !notStored.has(entry)));
          }
          throw error;
        }
      },
    },
  };
}

/**
 * The {@link TestRun} of a batch the handler ran over `event`.
 *
 * @example
 * ```ts
 * const run = toTestRun(event, await handler.run(event, context), recorder.stored);
 * ```
 */
export function toTestRun(event: StreamEvent, result: BatchResult, quarantined: readonly QuarantineEntry[]): TestRun {
  return {
    response: result.response,
    outcomes: result.outcomes.map((outcome) => toTestOutcome(event, outcome)),
    quarantined: [...quarantined],
    counts: result.counts,
  };
}

function toTestOutcome(event: StreamEvent, outcome: RecordOutcome): TestRecordOutcome {
  // Every outcome has a sequence number: a record without one fails the whole batch (the handler throws).
  const sequenceNumber = outcome.sequenceNumber ?? '';
  return {
    id: outcome.subSequenceNumber === undefined ? sequenceNumber : `${sequenceNumber}:${outcome.subSequenceNumber}`,
    eventID: event.Records[outcome.index]?.eventID,
    partitionKey: outcome.partitionKey,
    processor: outcome.processor,
    fate: outcome.fate,
    error: outcome.error,
  };
}
