import type { z } from 'zod';
import type { Logger } from '../observability/logger.js';
import type { AbortSignalLike, DeadlineSignal } from '../processing/deadline-signal.js';
import type { TransactWriteItem } from '../processing/idempotency/idempotency-store.js';
import type { PayloadFormat, StreamRecord } from '../records/stream-record.js';
import { checkProcessorSpec } from './settings/processor.js';

/** The tumbling window an invocation belongs to, with this processor's slice of the carried state. */
export interface WindowContext<TState> {
  /** Window start, ISO-8601 as Lambda sends it. */
  readonly start: string;
  /** Window end, ISO-8601 as Lambda sends it. */
  readonly end: string;
  /** `true` on the last invocation of the window: `onClose` runs after the records. */
  readonly isFinal: boolean;
  /** `true` when Lambda closed the window early (state over 1 MB, or the shard ended). */
  readonly terminatedEarly: boolean;
  /** The processor's aggregate. Mutate it in place or assign a new value; it is returned to Lambda as `state`. */
  state: TState;
}

/** What a processor receives besides its validated payload. */
export interface ProcessorContext<TPayload, TState = never, TBatch = never> {
  /** The decoded record: source, shard, sequence number, partition key, arrival time, raw record. */
  readonly record: StreamRecord;
  /**
   * DynamoDB MODIFY/REMOVE: the old image as delivered (unmarshalled, not validated). On a MODIFY it is
   * unmarshalled on first read (a processor that never reads it does not pay for it); an old image DynamoDB
   * cannot emit then throws `InvalidImageError`, a `PermanentError`: let it propagate and the record is
   * quarantined, as when the payload itself is invalid.
   */
  readonly oldImage: Record<string, unknown> | undefined;
  /**
   * DynamoDB MODIFY/REMOVE: the old image validated by the processor's schema, when it passes (`undefined`
   * when it does not). Unmarshalled and validated on first read, at most once; throws `InvalidImageError`
   * like {@link ProcessorContext.oldImage} when the old image cannot be unmarshalled.
   */
  readonly previous: TPayload | undefined;
  /** A child logger whose lines carry awsRequestId, shard, sequence number and partition key. */
  readonly logger: Logger;
  /** Milliseconds left before the Lambda deadline (infinite when not running under Lambda). */
  remainingTimeMs(): number;
  /**
   * Aborted when the deadline guard trips: pass it to fetch/SDK calls to stop early. An `AbortSignal` (typed
   * {@link DeadlineSignal} in projects without `@types/node` or the DOM lib, see {@link AbortSignalLike}).
   */
  readonly signal: AbortSignalLike;
  /** The Lambda request id of this invocation, when known. */
  readonly awsRequestId: string | undefined;
  /** The idempotency key of this record, when the processor is idempotent. */
  readonly idempotencyKey: string | undefined;
  /**
   * The DynamoDB `TransactWriteItems` entry that marks this record done in the idempotency table,
   * conditioned on this invocation still holding the record's lock. Put it in the same transaction as
   * the effect and the effect is exactly-once even if the function dies right after it. `undefined`
   * when the processor is not idempotent or the store is not DynamoDB.
   *
   * @example
   * ```ts
   * await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [effect, ctx.completionItem()!] }));
   * ```
   */
  completionItem(): TransactWriteItem | undefined;
  /** Tumbling-window state; present only when the processor declares `window` and the event carries one. */
  readonly window: [TState] extends [never] ? undefined : WindowContext<TState> | undefined;
  /** This invocation's output buffer; present only when the processor declares `batch`. */
  readonly batch: [TBatch] extends [never] ? undefined : TBatch;
}

/** Where and when a batch's buffered output is committed. */
export interface BatchCommitInfo {
  readonly stream: string;
  readonly shardId: string | undefined;
  readonly awsRequestId: string | undefined;
  /** Sequence number of the first record of the invocation (a stable, unique object-key ingredient). */
  readonly firstSequenceNumber: string | undefined;
}

/**
 * A per-invocation output buffer: records add to it through `ctx.batch`; `commit` runs once after the
 * batch's records ran and before their idempotency completions are written. If `commit` throws, every
 * record this processor handled in the invocation is reported for retry (nothing is marked done).
 */
export interface BatchOptions<TBatch> {
  /** A fresh, empty buffer (created lazily, on the first record that reaches the processor). */
  create(): TBatch;
  /** Writes the buffer out (one S3 object, one BatchWriteItem …). */
  commit(buffer: TBatch, info: BatchCommitInfo): Promise<void> | void;
}

/** Opt-in exactly-once effects for a processor. */
export interface IdempotencyOptions<TPayload> {
  /** Business key. Defaults to the record's identity (Kinesis shard+sequence(+sub-sequence), DynamoDB eventID). */
  key?(payload: TPayload, record: StreamRecord): string;
}

/** Tumbling-window aggregation declared by a processor. */
export interface WindowOptions<TState> {
  /** The state a new window starts with. */
  initial(): TState;
  /** Called once per window on the final invocation, with the aggregate. Emit results here. */
  onClose?(state: TState, window: { start: string; end: string; terminatedEarly: boolean }): Promise<void> | void;
}

/** What `defineProcessor` accepts. */
export interface ProcessorSpec<
  TSchema extends z.ZodType,
  TState = never,
  TName extends string = string,
  TBatch = never,
> {
  /** Unique name; routes and quarantine entries refer to it. */
  readonly name: TName;
  /** Validates the payload: Kinesis decoded data, or the DynamoDB NewImage (OldImage on REMOVE). */
  readonly schema: TSchema;
  /** How Kinesis data is decoded before validation. Default `json`. Ignored for DynamoDB. */
  readonly format?: PayloadFormat;
  /** Exactly-once effects (see {@link IdempotencyOptions}). `true` keys by record identity. */
  readonly idempotency?: boolean | IdempotencyOptions<z.output<TSchema>>;
  /** Tumbling-window aggregation (requires `tumblingWindowSeconds` on the stream). */
  readonly window?: WindowOptions<TState>;
  /** A per-invocation output buffer committed once per batch (see {@link BatchOptions}). */
  readonly batch?: BatchOptions<TBatch>;
  /** Handles one record. Throw `PermanentError` to quarantine it; any other error is retried. */
  process(payload: z.output<TSchema>, ctx: ProcessorContext<z.output<TSchema>, TState, TBatch>): Promise<void> | void;
}

/** A processor as returned by {@link defineProcessor}. */
export interface Processor<
  TSchema extends z.ZodType = z.ZodType,
  TState = never,
  TName extends string = string,
  TBatch = never,
> extends ProcessorSpec<TSchema, TState, TName, TBatch> {
  readonly kind: 'shardflow.processor';
}

/** Any processor, whatever its schema and state types. */
// biome-ignore lint/suspicious/noExplicitAny: a processor of any schema and state must fit here; payloads are validated at run time.
export type AnyProcessor = Processor<any, any, string, any>;

/**
 * Defines a typed record processor. The payload type is inferred from the zod schema, which is built
 * once here and reused for every record. The spec is checked here (see docs/config-reference.md): unknown
 * keys, a name routes can use, a zod schema, a `format` in its exact case, functions where they belong.
 *
 * @throws {ConfigError} subclasses with the path `processors.<name>.<field>`
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineProcessor, PermanentError } from 'shardflow';
 *
 * const Order = z.object({ orderId: z.string(), status: z.enum(['NEW', 'PAID']), totalCents: z.number().int() });
 *
 * export default defineProcessor({
 *   name: 'order-facts',
 *   schema: Order,
 *   idempotency: true,
 *   async process(order, ctx) {
 *     if (order.totalCents < 0) throw new PermanentError('negative total');
 *     ctx.logger.info({ orderId: order.orderId }, 'order fact');
 *   },
 * });
 * ```
 */
export function defineProcessor<
  TSchema extends z.ZodType,
  TState = never,
  const TName extends string = string,
  TBatch = never,
>(spec: ProcessorSpec<TSchema, TState, TName, TBatch>): Processor<TSchema, TState, TName, TBatch> {
  checkProcessorSpec(spec);
  return Object.freeze({ ...spec, kind: 'shardflow.processor' as const });
}
