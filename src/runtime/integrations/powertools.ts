import type { AnyProcessor } from '../config/processor.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { DeadlineGuard } from '../processing/deadline-guard.js';
import { rawPayload, validatePayload } from '../processing/payload.js';
import { InvocationScope, RecordContext } from '../processing/record-context.js';
import { decodeEvent } from '../records/index.js';
import type { DynamoDBStreamRecord, KinesisStreamRecord } from '../records/lambda-events.js';

/**
 * Adapts a shardflow processor into a record handler for `@aws-lambda-powertools/batch`, for teams
 * that already use Powertools' `BatchProcessor`. The record is decoded (KPL included) and validated by
 * shardflow; any failure — permanent ones too, since Powertools has no quarantine — is thrown so
 * Powertools reports the record. Ordering per key, quarantine and idempotency stay shardflow-only.
 *
 * @example
 * ```ts
 * import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
 * import { toPowertoolsRecordHandler } from 'shardflow';
 * import orderFacts from './processors/order-facts.js';
 *
 * const processor = new BatchProcessor(EventType.DynamoDBStreams);
 * const recordHandler = toPowertoolsRecordHandler(orderFacts);
 * export const handler = (event, context) => processPartialResponse(event, recordHandler, processor, { context });
 * ```
 */
export function toPowertoolsRecordHandler(
  processor: AnyProcessor,
  options: { logger?: Logger } = {},
): (record: KinesisStreamRecord | DynamoDBStreamRecord) => Promise<void> {
  const logger = options.logger ?? createLogger();
  return async (record) => {
    const { entries } = decodeEvent({ Records: [record] });
    const scope = new InvocationScope(logger, undefined, undefined, new DeadlineGuard(undefined, 0));
    for (const entry of entries) {
      if (!entry.ok) throw entry.failure.error;
      const payload = validatePayload(processor, rawPayload(entry.record, processor));
      const ctx = new RecordContext(entry.record, processor, scope, undefined, undefined);
      await processor.process(payload, ctx as never);
    }
  };
}
