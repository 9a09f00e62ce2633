import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import type { StreamConfig } from '../../../src/runtime/config/types.js';
import type { DynamoDBEventFactory, KinesisEventFactory } from '../../factories/index.js';
import type { ProcessorKind } from './harness.js';

/**
 * What the framework must do with a bad input:
 * - `quarantine`: the record is written to the quarantine sink with its named error; the shard moves on.
 * - `skip`: the record is deliberately ignored (`unmatched: 'skip'`).
 * - `retry`: the record is reported in `batchItemFailures` and redelivered.
 * - `whole-batch-failure`: the handler throws the named error; Lambda retries (or bisects) the batch.
 * - `config-error`: `defineConfig` / `createHandler` throws the named `ConfigError`; nothing runs.
 * - `processed`: an edge input the framework accepts and processes safely (boundaries, pollution attempts).
 */
export type ExpectedFate = 'quarantine' | 'skip' | 'retry' | 'whole-batch-failure' | 'config-error' | 'processed';

/** A record-level fate: one that leaves the rest of the batch running. */
export type RecordFate = Extract<ExpectedFate, 'quarantine' | 'skip' | 'retry' | 'processed'>;

/** A defect found by the corpus: the assertion it breaks (that test is `it.fails`) and what goes wrong. */
export interface KnownBug {
  readonly breaks: 'log' | 'outcome';
  readonly description: string;
}

interface RecordCaseBase {
  readonly kind: 'record';
  readonly name: string;
  /** Name of the error on the outcome (and in the quarantine entry); `undefined` when there is none. */
  readonly expectedError: string | undefined;
  readonly expectedFate: RecordFate;
  /**
   * Fates of the outcomes of the bad Lambda record, in order, when it yields several (KPL user records).
   * Default: one outcome with `expectedFate`.
   */
  readonly outcomes?: readonly RecordFate[];
  /** Stream settings for this case (unmatched policy, maxRecordBytes, …). */
  readonly stream?: Partial<StreamConfig>;
  readonly knownBug?: KnownBug;
}

/** A bad Kinesis record, run between two good records of other partition keys. */
export interface KinesisRecordCase extends RecordCaseBase {
  readonly source: 'kinesis';
  readonly processor?: ProcessorKind;
  /** Builds the bad Lambda record with the case's factory (so its sequence number sits between the good ones). */
  readonly bad: (kinesis: KinesisEventFactory) => KinesisStreamRecord | Record<string, unknown>;
}

/** A bad DynamoDB Streams record, run between two good records of other items. */
export interface DynamoDBRecordCase extends RecordCaseBase {
  readonly source: 'dynamodb';
  readonly bad: (dynamodb: DynamoDBEventFactory) => DynamoDBRecord | Record<string, unknown>;
}

/** A bad input confined to one record: the rest of the batch must still be processed. */
export type RecordCase = KinesisRecordCase | DynamoDBRecordCase;

/** An event the handler must reject as a whole (or, for an empty batch, answer with full success). */
export interface EventCase {
  readonly kind: 'event';
  readonly name: string;
  /** Source of the stream function that receives the event. */
  readonly source: 'kinesis' | 'dynamodb';
  /**
   * Builds the event and, when one record makes the whole batch fail, that record's eventID: a log line
   * must then name it.
   */
  readonly build: () => { readonly event: unknown; readonly culpritEventID?: string };
  readonly expectedError: string | undefined;
  readonly expectedFate: Extract<ExpectedFate, 'whole-batch-failure' | 'processed'>;
}

/** A configuration mistake: rejected before any record runs. */
export interface ConfigCase {
  readonly kind: 'config';
  readonly name: string;
  /** Builds the config (and, for handler-time checks, the handler). Must throw. */
  readonly build: () => unknown;
  readonly expectedError: string;
  readonly expectedFate: 'config-error';
  /** The `ConfigError.path` naming the offending setting. */
  readonly expectedPath: string;
}

/** One malformed input of the corpus. */
export type BadInputCase = RecordCase | EventCase | ConfigCase;
