import { formatMessage, quote, stringify } from './line-format.js';
import type { LogDestination, LogFn, Logger } from './logger.js';

/*
 * Why shardflow writes its log lines itself instead of through pino. Measured like the cold-start suite
 * (`npm run bench -- --suite coldstart`: fresh `node` processes importing esbuild bundles made with the deploy
 * bundler's options; Node 20, a shared 2-core VM; fastest of 15 interleaved rounds): a bundle holding nothing
 * but `import { pino } from 'pino'` imports in 9.3 ms, an empty one in 0.8 ms, and creating the logger adds
 * 1 ms. The one-processor handler imported in 43.2 ms with pino and 35.9 ms without it, against 25.9 ms for
 * the Powertools handler: pino was the difference between missing and meeting the target of 1.5× Powertools'
 * import time (the suite's run after this change: 1.32×, see docs/benchmarks.md, "Cold start"). The cost is
 * pino's transport support (thread-stream and worker_threads, ≈ 4 ms, which a function never uses),
 * sonic-boom (≈ 3.5 ms) and Node's `assert`, which both require and which sets up `process.stderr` on load.
 *
 * What is kept is pino's output, byte for byte: the same line layout (`level` label, ISO `time`, bindings,
 * fields, `msg`), the same serialization of every value (`line-format.ts`) and of errors
 * (`serialize-error.ts`), the same message interpolation, children that carry their bindings the same way.
 * `test/unit/observability/pino-compatibility.test.ts` writes a corpus of lines through both and compares
 * them. Not kept: pino's features shardflow's `Logger` does not expose (transports, custom levels, mixins,
 * hooks, `flush`, http request/response mapping). Lines go to standard output with
 * `process.stdout.write`, which is synchronous on Linux for files, pipes and terminals (pino's default
 * destination writes asynchronously and flushes on exit).
 */

/** pino's level numbers. */
export const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

const METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Method = (typeof METHODS)[number];

/** `{"level":"info"` for every level: the start of a line. */
const LINE_STARTS = Object.fromEntries(METHODS.map((label) => [label, JSON.stringify({ level: label }).slice(0, -1)]));

/** pino's mark of a destination that wants each line's level, fields and message besides the text. */
const NEEDS_METADATA = Symbol.for('pino.metadata');

/** Where the time's value starts in `,"time":"…"` (pino's `timeSliceIndex`). */
const TIME_SLICE = ',"time":'.length;

/** What pino sets on a destination marked with {@link NEEDS_METADATA} before each write. */
interface LineMetadata {
  [NEEDS_METADATA]: boolean;
  lastLevel: number;
  lastObj: object;
  lastMsg: unknown;
  lastTime: string;
  lastLogger: Logger;
}

/** What every logger of one tree shares: where lines go and how their parts are prepared. */
export interface LineWriter {
  readonly destination: LogDestination;
  /** The `err` serializer (of fields and bindings). */
  readonly serializeErr: (value: unknown) => unknown;
  /** Applied to a line's fields before they are written (redaction). */
  readonly fields?: ((fields: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** Applied to a child's bindings before they are serialized (redaction). */
  readonly bindings?: ((bindings: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** Applied to the arguments of a log call (redaction of interpolated objects). */
  readonly args?: ((args: unknown[]) => unknown[]) | undefined;
}

/**
 * Standard output as a {@link LogDestination}, resolved on the first line (so that creating a logger does
 * not set up `process.stdout`).
 *
 * @example
 * ```ts
 * const logger = new JsonLogger({ destination: STDOUT, serializeErr: serializeError }, 'info', '');
 * ```
 */
export const STDOUT: LogDestination = { write: (line) => void process.stdout.write(line) };

/** Serialized bindings (`,"key":value…`), as pino serializes a child's bindings once, when it is made. */
function serializeBindings(writer: LineWriter, bindings: Record<string, unknown>): string {
  let text = '';
  for (const key in bindings) {
    const value = bindings[key];
    const valid =
      (key.length < 5 ||
        (key !== 'level' && key !== 'serializers' && key !== 'formatters' && key !== 'customLevels')) &&
      Object.hasOwn(bindings, key) &&
      value !== undefined;
    if (!valid) continue;
    const json = stringify(key === 'err' ? writer.serializeErr(value) : value);
    if (json !== undefined) text += `,${quote(key)}:${json}`;
  }
  return text;
}

/** A field's or the message's JSON, as pino writes it; `undefined` leaves it out. */
function valueJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'undefined':
    case 'function':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return String(value);
    case 'string':
      return quote(value);
    default:
      return stringify(value);
  }
}

/**
 * shardflow's logger: JSON lines in pino's format (see the comment above for why it is not pino itself).
 * Made by `createLogger`; a child shares its parent's destination and level.
 *
 * @example
 * ```ts
 * const logger = new JsonLogger({ destination: STDOUT, serializeErr: serializeError }, 'info', '');
 * logger.child({ awsRequestId: 'req-1' }).warn({ failed: 2 }, 'batch done'); // {"level":"warn","time":"…","awsRequestId":"req-1","failed":2,"msg":"batch done"}
 * ```
 */
export class JsonLogger implements Logger {
  readonly level: string;
  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  readonly fatal: LogFn;
  readonly #writer: LineWriter;
  readonly #bindings: string;

  /**
   * The root logger of a tree: `base` holds the fields of every line (serialized once, like a child's
   * bindings, but not passed through `writer.bindings`).
   */
  static root(writer: LineWriter, level: string, base?: object): JsonLogger {
    return new JsonLogger(
      writer,
      level,
      base === undefined ? '' : serializeBindings(writer, base as Record<string, unknown>),
    );
  }

  /** `level` must be one of pino's levels; `bindings` is serialized bindings (`''` for none). */
  constructor(writer: LineWriter, level: string, bindings: string) {
    const threshold = LEVEL_VALUES[level];
    if (threshold === undefined) throw new RangeError(`unknown log level ${JSON.stringify(level)}`);
    this.level = level;
    this.#writer = writer;
    this.#bindings = bindings;
    const method = (label: Method): LogFn => (LEVEL_VALUES[label]! >= threshold ? this.#method(label) : noop);
    this.trace = method('trace');
    this.debug = method('debug');
    this.info = method('info');
    this.warn = method('warn');
    this.error = method('error');
    this.fatal = method('fatal');
  }

  child(bindings: Record<string, unknown>): Logger {
    if (!bindings) throw new Error('missing bindings for child Pino');
    const prepared = this.#writer.bindings ? this.#writer.bindings(bindings) : bindings;
    return new JsonLogger(this.#writer, this.level, this.#bindings + serializeBindings(this.#writer, prepared));
  }

  /** pino's `LOG`: which argument is the fields, which the message, which its interpolated values. */
  #method(label: Method): LogFn {
    return ((...given: unknown[]) => {
      const args = this.#writer.args ? this.#writer.args(given) : given;
      const [first, ...rest] = args;
      if (typeof first === 'object') {
        if (first === null && rest.length === 0) {
          this.#write(label, null, formatMessage(first, [null]));
          return;
        }
        const message = rest.shift();
        this.#write(label, first, formatMessage(message, rest));
        return;
      }
      const message = first === undefined ? rest.shift() : first;
      this.#write(label, null, formatMessage(message, rest));
    }) as LogFn;
  }

  /** pino's `write` and `asJson`. */
  #write(label: Method, given: object | null, message: unknown): void {
    const time = isoTime();
    let fields: Record<string, unknown>;
    let msg = message;
    if (given === undefined || given === null) {
      fields = {};
    } else if (given instanceof Error) {
      fields = { err: given };
      if (msg === undefined) msg = given.message;
    } else {
      fields = given as Record<string, unknown>;
      const err = fields.err as { message?: unknown } | undefined;
      if (msg === undefined && fields.msg === undefined && err) msg = err.message;
    }
    if (this.#writer.fields) fields = this.#writer.fields(fields);
    let text = '';
    for (const key in fields) {
      let value = fields[key];
      if (!Object.hasOwn(fields, key) || value === undefined) continue;
      if (key === 'err') value = this.#writer.serializeErr(value);
      const json = valueJson(value);
      if (json !== undefined) text += keyPrefix(key) + json;
    }
    let msgText = '';
    switch (typeof msg) {
      case 'undefined':
      case 'function':
        break;
      case 'number':
        msgText = `,"msg":${Number.isFinite(msg) ? msg : null}`;
        break;
      case 'boolean':
        msgText = `,"msg":${msg}`;
        break;
      case 'string':
        msgText = `,"msg":${quote(msg)}`;
        break;
      default:
        msgText = `,"msg":${stringify(msg)}`; // pino writes `undefined` for a message JSON cannot represent
    }
    const destination = this.#writer.destination as LogDestination & Partial<LineMetadata>;
    if (destination[NEEDS_METADATA] === true) {
      // What pino tells a destination that asks (`pino.multistream` routes lines by `lastLevel`).
      destination.lastLevel = LEVEL_VALUES[label]!;
      destination.lastObj = fields;
      destination.lastMsg = msg;
      destination.lastTime = time.slice(TIME_SLICE);
      destination.lastLogger = this;
    }
    destination.write(`${LINE_STARTS[label]}${time}${this.#bindings}${text}${msgText}}\n`);
  }
}

function noop(): void {}

/** `,"key":` of the keys lines have used, at most {@link KEY_PREFIXES_MAX} of them (keys may be made up at run time). */
const KEY_PREFIXES = new Map<string, string>();
const KEY_PREFIXES_MAX = 1024;

/**
 * `,"key":`, quoted once per key rather than once per line: quoting a key walks its characters, and the
 * few keys of a program's lines repeat. Measured on the project machine (Node 20.20, CPU time, 200k lines
 * of the engine's 13-field `batch done` line): 979 ns per line quoting every key, 481 ns with the prefixes
 * kept.
 */
function keyPrefix(key: string): string {
  let prefix = KEY_PREFIXES.get(key);
  if (prefix === undefined) {
    prefix = `,${quote(key)}:`;
    if (KEY_PREFIXES.size < KEY_PREFIXES_MAX) KEY_PREFIXES.set(key, prefix);
  }
  return prefix;
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * pino's `isoTime` timestamp (`,"time":"2026-01-01T12:00:00.123Z"`), cheaper: the date and time up to the
 * second are formatted once per second and the milliseconds appended, instead of a `Date#toISOString` per
 * line. The same text as `new Date(now).toISOString()` for every instant of years 0000–9999.
 *
 * @example
 * ```ts
 * isoTime(Date.UTC(2026, 0, 1, 12, 0, 0, 7)); // ',"time":"2026-01-01T12:00:00.007Z"'
 * ```
 */
export function isoTime(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = `,"time":"${new Date(second * 1000).toISOString().slice(0, 20)}`;
  }
  const ms = now - second * 1000;
  return `${cachedPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}
