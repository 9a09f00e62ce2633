import type { AnyProcessor, ProcessorContext, WindowContext } from '../config/processor.js';
import { type Logger, recordBindings } from '../observability/logger.js';
import type { StreamRecord } from '../records/stream-record.js';
import type { Redactor } from '../redaction/index.js';
import type { BatchBuffers } from './batch-buffers.js';
import type { DeadlineGuard } from './deadline-guard.js';
import type { IdempotencyStore, TransactWriteItem } from './idempotency/idempotency-store.js';
import { previousPayload } from './payload.js';

/**
 * What every record of one invocation shares: built once per invocation and handed to each
 * {@link RecordContext}, so that a record's context is a handful of fields. The invocation's child logger
 * (the root logger with `bindings`, e.g. `awsRequestId` and `stream`) is made on first use: a batch that
 * logs nothing builds none.
 *
 * @example
 * ```ts
 * const scope = new InvocationScope(rootLogger, { awsRequestId, stream: 'orders' }, awsRequestId, guard);
 * scope.logger.warn({ records: 3 }, 'something to say'); // the child is made here
 * ```
 */
export class InvocationScope {
  /** The root logger's level when the invocation started: which lines the engine builds. */
  readonly level: string;
  readonly awsRequestId: string | undefined;
  readonly guard: DeadlineGuard;
  readonly buffers: BatchBuffers | undefined;
  readonly store: IdempotencyStore | undefined;
  readonly redactor: Redactor | undefined;
  readonly #rootLogger: Logger;
  readonly #bindings: Record<string, unknown> | undefined;
  #logger: Logger | undefined;

  constructor(
    rootLogger: Logger,
    bindings: Record<string, unknown> | undefined,
    awsRequestId: string | undefined,
    guard: DeadlineGuard,
    buffers?: BatchBuffers,
    store?: IdempotencyStore,
    redactor?: Redactor,
  ) {
    this.#rootLogger = rootLogger;
    this.level = rootLogger.level;
    this.#bindings = bindings;
    this.awsRequestId = awsRequestId;
    this.guard = guard;
    this.buffers = buffers;
    this.store = store;
    this.redactor = redactor;
  }

  /** The invocation's logger: the root logger's child with the bindings (the root itself without). */
  get logger(): Logger {
    if (this.#bindings === undefined) return this.#rootLogger;
    this.#logger ??= this.#rootLogger.child(this.#bindings);
    return this.#logger;
  }
}

/**
 * The `ctx` handed to a processor. Built per record, so the costly parts (the child logger, the
 * validated old image) are created only when a processor touches them, at most once.
 */
export class RecordContext implements ProcessorContext<unknown, unknown, unknown> {
  // `declare`d: made once by the constructor (a class field would be defined, then assigned).
  declare readonly record: StreamRecord;
  declare readonly awsRequestId: string | undefined;
  declare readonly idempotencyKey: string | undefined;
  declare readonly window: WindowContext<unknown> | undefined;
  readonly #processor: AnyProcessor;
  readonly #scope: InvocationScope;
  #logger: Logger | undefined;
  #previous: { value: unknown } | undefined;

  constructor(
    record: StreamRecord,
    processor: AnyProcessor,
    scope: InvocationScope,
    idempotencyKey: string | undefined,
    window: WindowContext<unknown> | undefined,
  ) {
    this.record = record;
    this.#processor = processor;
    this.#scope = scope;
    this.awsRequestId = scope.awsRequestId;
    this.idempotencyKey = idempotencyKey;
    this.window = window;
  }

  completionItem(): TransactWriteItem | undefined {
    return this.idempotencyKey === undefined ? undefined : this.#scope.store?.completionItem?.(this.idempotencyKey);
  }

  get batch(): unknown {
    return this.#scope.buffers?.for(this.#processor);
  }

  get oldImage(): Record<string, unknown> | undefined {
    return this.record.source === 'dynamodb' ? this.record.oldImage : undefined;
  }

  get previous(): unknown {
    this.#previous ??= { value: previousPayload(this.record, this.#processor) };
    return this.#previous.value;
  }

  get logger(): Logger {
    this.#logger ??= this.#scope.logger.child({
      ...recordBindings(this.record, this.#scope.redactor),
      processor: this.#processor.name,
    });
    return this.#logger;
  }

  get signal(): AbortSignal {
    return this.#scope.guard.signal;
  }

  remainingTimeMs(): number {
    return this.#scope.guard.remainingMs();
  }
}
