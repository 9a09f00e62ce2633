import { BatchProcessor, EventType, FullBatchFailureError, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
import { DynamoDBMarshalled } from '@aws-lambda-powertools/parser/helpers/dynamodb';
import { DynamoDBStreamChangeRecordBase, DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { KinesisDataStreamRecord, KinesisDataStreamRecordPayload } from '@aws-lambda-powertools/parser/schemas/kinesis';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, Context, DynamoDBStreamEvent, KinesisStreamEvent } from 'aws-lambda';
import { BenchEvent } from '../lib/fixtures.js';
import { LAMBDA_CONTEXT, type MicroSource, noop, shardflowBenchHandler } from '../lib/shardflow-handler.js';

export { LAMBDA_CONTEXT, type MicroSource, noop, shardflowBenchHandler };

/** One implementation under test: a Lambda handler body for a stream batch. */
export interface Contender {
  /** Stable id used in results and charts. */
  readonly id: ContenderId;
  /** What it is, for the report. */
  readonly label: string;
  /** Handles one batch; resolves with the Lambda partial batch response. */
  run(event: unknown): Promise<unknown>;
}

/** Ids of the contenders, in report order. */
export const CONTENDER_IDS = [
  'shardflow',
  'shardflow-info',
  'shardflow-previous',
  'powertools-parser',
  'powertools-schema',
  'powertools-plain',
  'hand-loop',
  'hand-loop-both',
] as const;

/** Id of one contender. */
export type ContenderId = (typeof CONTENDER_IDS)[number];

function shardflow(source: MicroSource): Contender {
  const handler = shardflowBenchHandler(source);
  return {
    id: 'shardflow',
    label: 'shardflow createHandler (silent logger, metrics off, otherwise defaults); the processor reads its payload',
    run: (event) => handler(event, LAMBDA_CONTEXT),
  };
}

/**
 * The same handler with the default logger: level `info`. The micro suite's batches are all valid, so it writes
 * no line (a clean batch's `batch done` line is at `debug`); what it measures is what the logger costs then.
 */
function shardflowInfo(source: MicroSource): Contender {
  const handler = shardflowBenchHandler(source, { logger: 'info' });
  return {
    id: 'shardflow-info',
    label:
      'shardflow with the default logger (level info, lines written synchronously to /dev/null; an all-valid batch writes none)',
    run: (event) => handler(event, LAMBDA_CONTEXT),
  };
}

/** DynamoDB: a processor that also reads `ctx.previous` (the old image validated by its schema). */
function shardflowPrevious(): Contender {
  const handler = shardflowBenchHandler('dynamodb', { readsPrevious: true });
  return {
    id: 'shardflow-previous',
    label: 'shardflow, the processor also reads ctx.previous (OldImage unmarshalled and validated)',
    run: (event) => handler(event, LAMBDA_CONTEXT),
  };
}

/**
 * Runs Powertools' `processPartialResponse`. When every record fails it throws `FullBatchFailureError`
 * (Lambda then retries the whole batch); that is turned into the equivalent response, so a benchmark
 * iteration of an incorrect configuration still completes and is flagged by its failure count.
 */
async function powertoolsResponse(
  event: unknown,
  recordHandler: CallableFunction,
  processor: BatchProcessor,
): Promise<unknown> {
  try {
    return await processPartialResponse(event as { Records: Record<string, unknown>[] }, recordHandler, processor, {
      // The Lambda runtime's context also has the legacy done/fail/succeed callbacks, which nothing here calls.
      context: LAMBDA_CONTEXT as unknown as Context,
    });
  } catch (error) {
    if (!(error instanceof FullBatchFailureError)) throw error;
    return { batchItemFailures: (event as { Records: unknown[] }).Records.map(() => ({ itemIdentifier: '' })) };
  }
}

/** Powertools' documented parser integration: `innerSchema` + transformer (the schema is extended per record). */
function powertoolsParser(source: MicroSource): Contender {
  const processor =
    source === 'kinesis'
      ? new BatchProcessor(EventType.KinesisDataStreams, { parser, innerSchema: BenchEvent, transformer: 'base64' })
      : new BatchProcessor(EventType.DynamoDBStreams, { parser, innerSchema: BenchEvent, transformer: 'unmarshall' });
  const recordHandler =
    source === 'kinesis'
      ? async (record: { kinesis: { data: unknown } }) => noop(record.kinesis.data)
      : async (record: { dynamodb: { NewImage?: unknown } }) => noop(record.dynamodb.NewImage);
  return {
    id: 'powertools-parser',
    label: "Powertools BatchProcessor + parser, innerSchema + transformer ('base64' / 'unmarshall')",
    run: (event) => powertoolsResponse(event, recordHandler, processor),
  };
}

/**
 * Powertools' parser with a complete record schema built once (`schema`), the fastest way to use its
 * parser. For DynamoDB the images are optional (INSERT has no OldImage), which `innerSchema` cannot express.
 */
function powertoolsSchema(source: MicroSource): Contender {
  const processor =
    source === 'kinesis'
      ? new BatchProcessor(EventType.KinesisDataStreams, {
          parser,
          schema: KinesisDataStreamRecord.extend({
            kinesis: KinesisDataStreamRecordPayload.extend({ data: Base64Encoded(BenchEvent) }),
          }),
        })
      : new BatchProcessor(EventType.DynamoDBStreams, {
          parser,
          schema: DynamoDBStreamRecord.extend({
            dynamodb: DynamoDBStreamChangeRecordBase.extend({
              NewImage: DynamoDBMarshalled(BenchEvent).optional(),
              OldImage: DynamoDBMarshalled(BenchEvent).optional(),
            }),
          }),
        });
  const recordHandler =
    source === 'kinesis'
      ? async (record: { kinesis: { data: unknown } }) => noop(record.kinesis.data)
      : async (record: { dynamodb: { NewImage?: unknown } }) => noop(record.dynamodb.NewImage);
  return {
    id: 'powertools-schema',
    label: 'Powertools BatchProcessor + parser, full record schema built once (`schema`)',
    run: (event) => powertoolsResponse(event, recordHandler, processor),
  };
}

/** Powertools without its parser: the record handler decodes and `safeParse`s itself. */
function powertoolsPlain(source: MicroSource): Contender {
  const processor = new BatchProcessor(source === 'kinesis' ? EventType.KinesisDataStreams : EventType.DynamoDBStreams);
  const recordHandler =
    source === 'kinesis'
      ? async (record: KinesisStreamEvent['Records'][number]) => {
          const parsed = BenchEvent.safeParse(JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')));
          if (!parsed.success) throw parsed.error;
          await noop(parsed.data);
        }
      : async (record: DynamoDBStreamEvent['Records'][number]) => {
          const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
          const parsed = BenchEvent.safeParse(unmarshall(image as never));
          if (!parsed.success) throw parsed.error;
          await noop(parsed.data);
        };
  return {
    id: 'powertools-plain',
    label: 'Powertools BatchProcessor without parser; handler decodes + safeParse',
    run: (event) => powertoolsResponse(event, recordHandler, processor),
  };
}

/**
 * The minimal hand-written loop: decode + `safeParse` + failure list, records in order. For DynamoDB it
 * unmarshalls and validates the NewImage only: what a processor that reads its payload needs.
 */
function handLoop(source: MicroSource): Contender {
  const run =
    source === 'kinesis'
      ? async (event: unknown) => {
          const batchItemFailures: { itemIdentifier: string }[] = [];
          for (const record of (event as KinesisStreamEvent).Records) {
            try {
              const data: unknown = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
              const parsed = BenchEvent.safeParse(data);
              if (!parsed.success) batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
              else await noop(parsed.data);
            } catch {
              batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
            }
          }
          return { batchItemFailures };
        }
      : async (event: unknown) => {
          const batchItemFailures: { itemIdentifier: string }[] = [];
          for (const record of (event as DynamoDBStreamEvent).Records) {
            const id = record.dynamodb?.SequenceNumber ?? '';
            try {
              const image = record.dynamodb?.NewImage as Record<string, AttributeValue>;
              const parsed = BenchEvent.safeParse(unmarshall(image as never));
              if (!parsed.success) batchItemFailures.push({ itemIdentifier: id });
              else await noop(parsed.data);
            } catch {
              batchItemFailures.push({ itemIdentifier: id });
            }
          }
          return { batchItemFailures };
        };
  return { id: 'hand-loop', label: 'hand-written loop: decode + safeParse + failure list', run };
}

/**
 * DynamoDB: the hand-written loop for a processor that reads both images: unmarshall and `safeParse`
 * NewImage and OldImage (an old image that fails the schema counts as absent, as `ctx.previous` does).
 */
function handLoopBoth(): Contender {
  const run = async (event: unknown) => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of (event as DynamoDBStreamEvent).Records) {
      const id = record.dynamodb?.SequenceNumber ?? '';
      try {
        const image = record.dynamodb?.NewImage as Record<string, AttributeValue>;
        const parsed = BenchEvent.safeParse(unmarshall(image as never));
        if (!parsed.success) {
          batchItemFailures.push({ itemIdentifier: id });
          continue;
        }
        const old = record.dynamodb?.OldImage as Record<string, AttributeValue> | undefined;
        const previous = old === undefined ? undefined : BenchEvent.safeParse(unmarshall(old as never));
        await noop([parsed.data, previous?.success ? previous.data : undefined]);
      } catch {
        batchItemFailures.push({ itemIdentifier: id });
      }
    }
    return { batchItemFailures };
  };
  return {
    id: 'hand-loop-both',
    label: 'hand-written loop reading both images: unmarshall + safeParse NewImage and OldImage',
    run,
  };
}

/**
 * Every contender of the micro suite for one event source, built once (as at a Lambda module's scope).
 * DynamoDB adds the pair for a processor that reads both images (`shardflow-previous`, `hand-loop-both`).
 *
 * @example
 * ```ts
 * for (const contender of createContenders('kinesis')) await contender.run(kinesisBenchEvent(100));
 * ```
 */
export function createContenders(source: MicroSource): Contender[] {
  return [
    shardflow(source),
    shardflowInfo(source),
    ...(source === 'dynamodb' ? [shardflowPrevious()] : []),
    powertoolsParser(source),
    powertoolsSchema(source),
    powertoolsPlain(source),
    handLoop(source),
    ...(source === 'dynamodb' ? [handLoopBoth()] : []),
  ];
}
