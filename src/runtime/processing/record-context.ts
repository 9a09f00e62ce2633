import type { AnyProcessor, ProcessorContext, WindowContext } from '../config/processor.js';
import { type Logger, recordBindings } from '../observability/logger.js';
import type { StreamRecord } from '../records/stream-record.js';
import type { Redactor } from '../redaction/index.js';
import type { BatchBuffers } from './batch-buffers.js';
import type { DeadlineGuard } from './deadline-guard.js';
import type { IdempotencyStore, TransactWriteItem } from './idempotency/idempotency-store.js';
import { previousPayload } from './payload.js';

/**
 * The `ctx` handed to a processor. Built per record, so the costly parts (the child logger, the
 * validated old image) are created only when a processor touches them.
 */
export class RecordContext implements ProcessorContext<unknown, unknown, unknown> {
  readonly record: StreamRecord;
  readonly awsRequestId: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly window: WindowContext<unknown> | undefined;
  readonly #processor: AnyProcessor;
  readonly #parentLogger: Logger;
  readonly #guard: DeadlineGuard;
  readonly #buffers: BatchBuffers | undefined;
  readonly #store: IdempotencyStore | undefined;
  readonly #redactor: Redactor | undefined;
  #logger: Logger | undefined;

  constructor(
    record: StreamRecord,
    processor: AnyProcessor,
    parentLogger: Logger,
    guard: DeadlineGuard,
    awsRequestId: string | undefined,
    idempotencyKey: string | undefined,
    window: WindowContext<unknown> | undefined,
    buffers?: BatchBuffers,
    store?: IdempotencyStore,
    redactor?: Redactor,
  ) {
    this.record = record;
    this.#processor = processor;
    this.#parentLogger = parentLogger;
    this.#guard = guard;
    this.awsRequestId = awsRequestId;
    this.idempotencyKey = idempotencyKey;
    this.window = window;
    this.#buffers = buffers;
    this.#store = store;
    this.#redactor = redactor;
  }

  completionItem(): TransactWriteItem | undefined {
    return this.idempotencyKey === undefined ? undefined : this.#store?.completionItem?.(this.idempotencyKey);
  }

  get batch(): unknown {
    return this.#buffers?.for(this.#processor);
  }

  get oldImage(): Record<string, unknown> | undefined {
    return this.record.source === 'dynamodb' ? this.record.oldImage : undefined;
  }

  get previous(): unknown {
    return previousPayload(this.record, this.#processor);
  }

  get logger(): Logger {
    this.#logger ??= this.#parentLogger.child({
      ...recordBindings(this.record, this.#redactor),
      processor: this.#processor.name,
    });
    return this.#logger;
  }

  get signal(): AbortSignal {
    return this.#guard.signal;
  }

  remainingTimeMs(): number {
    return this.#guard.remainingMs();
  }
}
