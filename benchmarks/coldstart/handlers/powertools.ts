/**
 * The Powertools side of the cold-start suite: `BatchProcessor` + `processPartialResponse` for Kinesis,
 * the record handler decoding the payload and validating it with the same zod schema (`safeParse`, no
 * Powertools parser) — the usual way to write a typed Kinesis handler with Powertools.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  KinesisStreamEvent,
  KinesisStreamRecord,
  LambdaContext,
} from '../../../src/runtime/records/lambda-events.js';
import { Order } from './order.js';

const processor = new BatchProcessor(EventType.KinesisDataStreams);

/** What the record handler does with a valid order: nothing, asynchronously (as the shardflow processor). */
async function accept(_order: unknown): Promise<void> {}

async function recordHandler(record: KinesisStreamRecord): Promise<void> {
  const parsed = Order.safeParse(JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')));
  if (!parsed.success) throw parsed.error;
  await accept(parsed.data);
}

export const handler = async (event: KinesisStreamEvent, context: LambdaContext) =>
  processPartialResponse(event as never, recordHandler, processor, { context: context as never });
