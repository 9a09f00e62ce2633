import { LOG_LEVELS } from '../config/settings/names.js';
import { ConfigError } from '../errors.js';
import type { StreamRecord, UndecodableRecord } from '../records/stream-record.js';
import { createRedactor, REDACTED, type Redactor } from '../redaction/index.js';
import { JsonLogger, LEVEL_VALUES, type LineWriter, STDOUT } from './json-logger.js';
import { serializeError } from './serialize-error.js';

/** One level's log method: `logger.info('message')`, `logger.info({ orderId }, 'message')`, `logger.error(err, 'message')`. */
export interface LogFn {
  (message: string, ...interpolated: unknown[]): void;
  (fields: object, message?: string, ...interpolated: unknown[]): void;
}

/**
 * The structured logger shardflow hands to processors (`ctx.logger`) and accepts in `HandlerOptions.logger`.
 * {@link createLogger} returns shardflow's own (pino's line format); any pino logger (or another logger with
 * these methods) fits.
 * shardflow's own interface rather than pino's type, so that its declarations need neither pino's types nor
 * the `@types/node` they load.
 *
 * @example
 * ```ts
 * const logger: Logger = createLogger({ level: 'debug' });
 * logger.child({ orderId: 'o-1' }).info({ totalCents: 1200 }, 'order paid');
 * ```
 */
export interface Logger {
  /** The minimum level logged (`trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`). */
  readonly level: string;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  /** A logger whose lines all carry `bindings`. */
  child(bindings: Record<string, unknown>): Logger;
}

/** Where log lines go: anything with `write(line)` (a pino destination, a stream, a test capture). */
export interface LogDestination {
  write(line: string): void;
}

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /**
   * Minimum level (`trace`, `debug`, `info`, `warn`, `error`, `fatal`, `silent`; case-insensitive).
   * Default: `LOG_LEVEL`, else Lambda's `AWS_LAMBDA_LOG_LEVEL` (advanced logging controls), else `info`.
   */
  readonly level?: string | undefined;
  /**
   * Paths whose values are replaced by `"[REDACTED]"` in every line (fields, child-logger bindings, the
   * fields of a logged `err`, objects interpolated into the message), in pino's redaction syntax:
   * `email`, `card.number`, `*.password`, `headers["x-api-key"]`, `contacts[*].email`. Applied by
   * shardflow's redaction engine (`createRedactor`), the one that also redacts quarantine entries.
   */
  readonly redact?: readonly string[] | undefined;
  /** Where lines go. Default: standard output (what Lambda ships to CloudWatch Logs). */
  readonly destination?: LogDestination | undefined;
  /** Fields on every line (e.g. `{ service: 'shop-analytics' }`). Default none: no `pid`/`hostname`, which mean nothing in Lambda. */
  readonly base?: object | undefined;
}

/** The value redacted fields are replaced with. */
export { REDACTED };

const LEVELS = new Set<string>(LOG_LEVELS);

/** A level a line can be logged at. */
export type LineLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Whether `logger` writes lines of `level`, from its `level` name, so that a line's fields (record bindings,
 * counts) are built only when it will be written. A level name it does not know (a custom pino level)
 * counts as enabled: the logger decides.
 *
 * @example
 * ```ts
 * if (levelEnabled(logger, 'debug')) logger.debug(recordBindings(record), 'skipped');
 * ```
 */
export function levelEnabled(logger: Pick<Logger, 'level'>, level: LineLevel): boolean {
  const current = LEVEL_VALUES[logger.level];
  return current === undefined || (LEVEL_VALUES[level] as number) >= current;
}

function resolveLevel(explicit: string | undefined): string {
  const [source, value] =
    explicit !== undefined
      ? ['logging.level', explicit]
      : process.env.LOG_LEVEL
        ? ['LOG_LEVEL', process.env.LOG_LEVEL]
        : process.env.AWS_LAMBDA_LOG_LEVEL
          ? ['AWS_LAMBDA_LOG_LEVEL', process.env.AWS_LAMBDA_LOG_LEVEL]
          : ['default', 'info'];
  const level = value.trim().toLowerCase();
  if (!LEVELS.has(level)) throw new ConfigError(source, `unknown log level ${JSON.stringify(value)}`);
  return level;
}

/**
 * Creates shardflow's structured JSON logger: pino's line format (one JSON object per line with `level` as
 * a label (`"info"`), an ISO-8601 `time`, bindings, fields, `msg`; errors under `err` as pino serializes
 * them), configured paths redacted as `"[REDACTED]"`, written by shardflow itself to keep pino out of the
 * cold start (see `json-logger.ts`). The engine derives a child logger per invocation (`awsRequestId`) and
 * per record ({@link recordBindings}).
 *
 * @throws ConfigError when the level is unknown or a redaction path is invalid.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'debug', redact: ['email', 'card.number'] });
 * logger.info({ email: 'ada@example.com' }, 'customer updated'); // {"level":"info",…,"email":"[REDACTED]",…}
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const redactor = createRedactor(options.redact ?? [], 'logging.redact');
  const level = resolveLevel(options.level);
  const base = options.base === undefined ? undefined : redactor.value(options.base);
  const destination = options.destination ?? STDOUT;
  const writer: LineWriter = redactor.active
    ? {
        destination,
        // The line's `err` is serialized (and redacted) with the line's fields; this leaves it alone then.
        serializeErr: (value) => (value instanceof Error ? serializeError(value) : value),
        fields: (line) => redactLine(line, redactor),
        bindings: (bindings) => safely(redactor, bindings) as Record<string, unknown>,
        // Objects interpolated into the message (`logger.info('%o', order)`); the first argument, when an
        // object, is the line's fields, which `fields` redacts.
        args: (args) => args.map((arg, i) => (i === 0 || typeof arg !== 'object' ? arg : safely(redactor, arg))),
      }
    : { destination, serializeErr: serializeError };
  return JsonLogger.root(writer, level, base);
}

/** What a line holds when its fields cannot be read to be redacted (a getter that throws): nothing. */
const UNREDACTABLE = Object.freeze({ redaction: 'failed: the fields of this line were dropped' });

function safely(redactor: Redactor, value: unknown): unknown {
  try {
    return redactor.value(value);
  } catch {
    return UNREDACTABLE;
  }
}

function redactLine(line: Record<string, unknown>, redactor: Redactor): Record<string, unknown> {
  try {
    const err = line.err;
    const serialized = err instanceof Error ? { ...line, err: serializeError(err) } : line;
    return redactor.value(serialized);
  } catch {
    return { ...UNREDACTABLE };
  }
}

/** Correlation fields of one record, carried by every record-level log line. */
export type RecordBindings = {
  readonly shardId: string | undefined;
  readonly sequenceNumber: string | undefined;
  /** Only present for a user record of a KPL aggregate. */
  readonly subSequenceNumber?: number;
  readonly partitionKey: string | undefined;
  readonly eventID: string;
};

/**
 * The bindings that tie a log line to its record: shard, sequence number (and KPL sub-sequence number),
 * partition key and eventID. Works for undecodable records too (their fields may be `undefined`). With a
 * redactor, a DynamoDB partition key (the item's key attributes) has the attributes at its paths censored
 * (`{"customerId":"[REDACTED]"}`): the line's own redaction cannot see inside that string.
 *
 * @example
 * ```ts
 * const recordLogger = logger.child(recordBindings(record, createRedactor(['customerId'])));
 * recordLogger.warn('schema violation'); // {…,"shardId":"shardId-000000000000","sequenceNumber":"4959…",…}
 * ```
 */
export function recordBindings(record: StreamRecord | UndecodableRecord, redactor?: Redactor): RecordBindings {
  const subSequenceNumber = 'subSequenceNumber' in record ? record.subSequenceNumber : undefined;
  const partitionKey =
    redactor === undefined ? record.partitionKey : redactor.partitionKey(record.source, record.partitionKey);
  return subSequenceNumber === undefined
    ? { shardId: record.shardId, sequenceNumber: record.sequenceNumber, partitionKey, eventID: record.eventID }
    : {
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber,
        partitionKey,
        eventID: record.eventID,
      };
}
