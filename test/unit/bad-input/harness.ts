import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { z } from 'zod';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { type AnyProcessor, defineProcessor } from '../../../src/runtime/config/processor.js';
import type { StreamConfig } from '../../../src/runtime/config/types.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { createLogger, type Logger } from '../../../src/runtime/observability/logger.js';
import type { BatchResult } from '../../../src/runtime/processing/batch-engine.js';
import { Fate } from '../../../src/runtime/processing/fates.js';
import type { StreamRecord } from '../../../src/runtime/records/stream-record.js';
import { DynamoDBEventFactory, KinesisEventFactory } from '../../factories/index.js';
import { captureDestination } from '../observability/capture.js';
import { MemorySink } from '../processing/engine-fixtures.js';

/**
 * The machinery every bad-input test shares: secrets planted in payloads, the redaction paths that
 * should hide them, the processors records are routed to, and {@link runBatch}, which runs one event
 * through a real handler (real decode, router, engine, pino logger) with an in-memory quarantine sink
 * and a log capture.
 */

/** A card number planted in bad payloads; it must never reach a log line. */
export const SECRET_CARD = '4111111111111111';
/** An e-mail address planted in bad payloads; it must never reach a log line. */
export const SECRET_EMAIL = 'a@b.c';
/** Every planted secret. */
export const SECRETS = [SECRET_CARD, SECRET_EMAIL] as const;
/** The redaction paths the corpus runs with (as the issue suggests). */
export const REDACT_PATHS = ['*.card.number', '*.email', 'card.number', 'email'] as const;

/** Partition key (Kinesis) or `id` (DynamoDB) that no route accepts: the record is unmatched. */
export const STRAY_KEY = 'stray';
/** Partition key of the bad record of a Kinesis case (its own ordering key, so neighbours never wait on it). */
export const BAD_KEY = 'bad-key';

/**
 * A JSON payload carrying both secrets, in the shape the Kinesis JSON processor accepts.
 *
 * @example
 * ```ts
 * kinesis.record({ json: secretPayload({ n: 'seven' }) }); // a schema violation that carries secrets
 * ```
 */
export function secretPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { userId: 'bad-user', n: 7, card: { number: SECRET_CARD }, email: SECRET_EMAIL, ...overrides };
}

/** {@link secretPayload} as UTF-8 JSON text. */
export function secretJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(secretPayload(overrides));
}

/** The processors a case may route to. */
export type ProcessorKind = 'json' | 'text' | 'json-value' | 'any' | 'loose' | 'record';

const CardSchema = z.object({ number: z.string() });

/** Kinesis JSON payloads (the corpus' default processor). */
export const ClickSchema = z.object({
  userId: z.string(),
  n: z.number().int(),
  card: CardSchema.optional(),
  email: z.string().optional(),
});

/** DynamoDB images. `isAdmin` and `tags` exist to observe what a processor receives. */
export const OrderSchema = z.object({
  id: z.string(),
  status: z.string().optional(),
  email: z.string().optional(),
  card: CardSchema.optional(),
  isAdmin: z.boolean().optional(),
  tags: z.set(z.instanceof(Uint8Array)).optional(),
});

const SCHEMAS: Record<ProcessorKind, z.ZodType> = {
  json: ClickSchema,
  text: z.string(),
  'json-value': z.json(),
  any: z.unknown(),
  loose: z.looseObject({ userId: z.string() }),
  record: z.record(z.string(), z.unknown()),
};

/** What a processor received for one record. */
export interface ProcessorCall {
  readonly processor: string;
  readonly payload: unknown;
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number | undefined;
  readonly partitionKey: string;
  /** The decoded record, as the processor saw it in `ctx.record`. */
  readonly record: StreamRecord;
}

/** Options of {@link runBatch}. */
export interface RunOptions {
  readonly source: 'kinesis' | 'dynamodb';
  readonly event: unknown;
  /** Processor of Kinesis records (DynamoDB records always go to the `orders` processor). Default `json`. */
  readonly processor?: ProcessorKind;
  /** Stream settings layered over the defaults (unmatched policy, maxRecordBytes, …). */
  readonly stream?: Partial<StreamConfig>;
  /** Redaction paths of the config's `logging.redact`. Default {@link REDACT_PATHS}. */
  readonly redact?: readonly string[];
  /** Extra work the processor does per record (e.g. logging through `ctx.logger`). */
  readonly onRecord?: (payload: unknown, ctx: { logger: Logger; record: StreamRecord }) => void | Promise<void>;
}

/** Everything a run produced. `result` is `undefined` and `thrown` set when the handler threw. */
export interface RunResult {
  readonly result: BatchResult | undefined;
  readonly thrown: unknown;
  readonly calls: readonly ProcessorCall[];
  readonly sink: MemorySink;
  /** Raw log lines, exactly as written. */
  readonly logText: readonly string[];
  /** Log lines, parsed. */
  readonly logs: readonly Record<string, unknown>[];
}

/** The stream name every corpus config uses. */
export const STREAM = 'bad-input';

function processorFor(kind: ProcessorKind, name: string, calls: ProcessorCall[], options: RunOptions): AnyProcessor {
  return defineProcessor({
    name,
    schema: SCHEMAS[kind],
    format: kind === 'text' ? 'text' : 'json',
    async process(payload, ctx) {
      calls.push({
        processor: name,
        payload,
        sequenceNumber: ctx.record.sequenceNumber,
        subSequenceNumber: ctx.record.source === 'kinesis' ? ctx.record.subSequenceNumber : undefined,
        partitionKey: ctx.record.partitionKey,
        record: ctx.record,
      });
      await options.onRecord?.(payload, ctx);
    },
  });
}

/** Records whose key is {@link STRAY_KEY} match no route. */
function isRouted(record: StreamRecord): boolean {
  return record.source === 'kinesis' ? record.partitionKey !== STRAY_KEY : record.keys.id !== STRAY_KEY;
}

/**
 * Builds the config for one run: a single stream of the given source whose only route takes every
 * record except the {@link STRAY_KEY} ones, with the corpus' redaction paths.
 *
 * @example
 * ```ts
 * const { config } = corpusConfig({ source: 'kinesis', event }, []);
 * ```
 */
export function corpusConfig(options: RunOptions, calls: ProcessorCall[]) {
  const processor =
    options.source === 'kinesis'
      ? processorFor(options.processor ?? 'json', 'clicks', calls, options)
      : defineProcessor({
          name: 'orders',
          schema: OrderSchema,
          async process(payload, ctx) {
            calls.push({
              processor: 'orders',
              payload,
              sequenceNumber: ctx.record.sequenceNumber,
              subSequenceNumber: undefined,
              partitionKey: ctx.record.partitionKey,
              record: ctx.record,
            });
            await options.onRecord?.(payload, ctx);
          },
        });
  const source =
    options.source === 'kinesis'
      ? { type: 'kinesis' as const, stream: 'lambda-stream' }
      : { type: 'dynamodb' as const, table: 'orders' };
  const config = defineConfig({
    service: 'bad-input-corpus',
    logging: { redact: [...(options.redact ?? REDACT_PATHS)] },
    streams: {
      [STREAM]: {
        source,
        startingPosition: 'TRIM_HORIZON',
        routes: [{ match: { predicate: isRouted }, processor }],
        ...options.stream,
      },
    },
  });
  return { config, processor };
}

/**
 * Runs one event through a real handler and captures everything: outcomes (or the thrown error), what
 * the processor received, the quarantine entries and every log line. Never throws itself.
 *
 * @example
 * ```ts
 * const run = await runBatch({ source: 'kinesis', event: kinesis.event([{ json: { userId: 'u', n: 1 } }]) });
 * run.result?.outcomes[0]?.fate; // 'processed'
 * ```
 */
export async function runBatch(options: RunOptions): Promise<RunResult> {
  const calls: ProcessorCall[] = [];
  const { config } = corpusConfig(options, calls);
  const destination = captureDestination();
  const logger = createLogger({ level: 'debug', redact: config.logging?.redact, destination });
  const sink = new MemorySink();
  const handler = createHandler(config, STREAM, { logger, quarantine: sink, metrics: false });
  let result: BatchResult | undefined;
  let thrown: unknown;
  try {
    result = await handler.run(options.event, { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678' });
  } catch (error) {
    thrown = error;
  }
  return { result, thrown, calls, sink, logText: destination.raw, logs: destination.lines() };
}

/** The case fates of the corpus, mapped to the engine's fates (record-level ones only). */
export const FATE_OF = {
  quarantine: Fate.quarantined,
  skip: Fate.ignored,
  retry: Fate.failed,
  processed: Fate.processed,
} as const;

/** Identity of a Lambda record as far as it has one (for finding its log lines). */
export interface LambdaRecordIdentity {
  readonly sequenceNumber: string | undefined;
  readonly eventID: string | undefined;
  /** `kinesis.data` as delivered, when it is a string. */
  readonly data: string | undefined;
}

/**
 * Reads the identity of a Lambda Kinesis or DynamoDB record without trusting its shape.
 *
 * @example
 * ```ts
 * identityOf(kinesis.record({ text: 'x' })).sequenceNumber; // '4959…'
 * ```
 */
export function identityOf(raw: unknown): LambdaRecordIdentity {
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const kinesis = record.kinesis as Partial<KinesisStreamRecord['kinesis']> | undefined;
  const dynamodb = record.dynamodb as DynamoDBRecord['dynamodb'] | undefined;
  const sequence = kinesis?.sequenceNumber ?? dynamodb?.SequenceNumber;
  return {
    sequenceNumber: typeof sequence === 'string' && sequence !== '' ? sequence : undefined,
    eventID: typeof record.eventID === 'string' && record.eventID !== '' ? record.eventID : undefined,
    data: typeof kinesis?.data === 'string' ? kinesis.data : undefined,
  };
}

/**
 * Log lines that name the record: its sequence number or its eventID as a top-level field.
 *
 * @example
 * ```ts
 * linesIdentifying(run.logs, identityOf(badRecord)); // [{ level: 'warn', sequenceNumber: '4959…', … }]
 * ```
 */
export function linesIdentifying(
  logs: readonly Record<string, unknown>[],
  identity: LambdaRecordIdentity,
): Record<string, unknown>[] {
  return logs.filter(
    (line) =>
      (identity.sequenceNumber !== undefined && line.sequenceNumber === identity.sequenceNumber) ||
      (identity.eventID !== undefined && line.eventID === identity.eventID),
  );
}

/**
 * Planted secrets (and the record's base64 payload, when long enough to be recognisable) found in the
 * log text; an empty list means the logs are clean.
 *
 * @example
 * ```ts
 * expect(leaksIn(run.logText, identityOf(bad))).toEqual([]);
 * ```
 */
export function leaksIn(logText: readonly string[], identity?: LambdaRecordIdentity): string[] {
  const needles: string[] = [...SECRETS];
  if (identity?.data !== undefined && identity.data.length >= 16) needles.push(identity.data.slice(0, 64));
  const found: string[] = [];
  for (const line of logText) {
    for (const needle of needles) if (line.includes(needle)) found.push(needle);
  }
  return [...new Set(found)];
}

/** Own property names of `Object.prototype`, to prove a run left it untouched. */
export function objectPrototypeSnapshot(): string[] {
  return Reflect.ownKeys(Object.prototype)
    .map((key) => String(key))
    .sort();
}

/** Fresh event factories for one case, so sequence numbers always increase within its event. */
export function factories() {
  return {
    kinesis: new KinesisEventFactory({ streamName: 'lambda-stream' }),
    dynamodb: new DynamoDBEventFactory({ tableName: 'orders' }),
  };
}
