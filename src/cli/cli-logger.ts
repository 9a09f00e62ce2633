import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Level, pino } from 'pino';
import { createLogger, type Logger } from '../runtime/observability/logger.js';

/** Where a CLI command writes text: `process.stdout`/`process.stderr`, or a test double. */
export interface TextOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** Minimum level; default as {@link createLogger} (`LOG_LEVEL`, else `info`). */
  readonly level?: string | undefined;
  readonly redact?: readonly string[] | undefined;
  /** Append JSON lines to this file (parent directories are created). It always gets full stacks. */
  readonly file?: string;
  /**
   * Also write lines here: one human-readable line per entry when `pretty` ({@link formatLogLine}),
   * JSON lines otherwise; only from `level` up when given (e.g. warnings only on a terminal while the
   * file takes everything). `verbose` adds the error's stack under its line; `color` (terminals) tints
   * the level.
   */
  readonly console?: {
    readonly output: TextOutput;
    readonly pretty: boolean;
    readonly level?: Level | undefined;
    readonly verbose?: boolean | undefined;
    readonly color?: boolean | undefined;
    /** Terminal columns: a line is cut to fit (with `…`), so that it never wraps. */
    readonly width?: () => number | undefined;
  };
}

/** A logger for a CLI command and the means to flush it before the process exits. */
export interface CliLogger {
  readonly logger: Logger;
  /** Writes what is buffered and closes the log file. */
  close(): Promise<void>;
}

/**
 * The logger of a CLI command: shardflow's JSON logger ({@link createLogger}) fanned out to a log file
 * and/or the terminal, where each entry is one line ({@link formatLogLine}) unless asked for JSON.
 * Without any target, lines are dropped (level `silent`).
 *
 * @example
 * ```ts
 * const { logger, close } = await createCliLogger({
 *   file: '.shardflow/data/dev.log',
 *   console: { output: process.stderr, pretty: true, level: 'warn', color: process.stderr.isTTY === true },
 * });
 * logger.warn('careful');
 * await close();
 * ```
 */
export async function createCliLogger(options: CliLoggerOptions): Promise<CliLogger> {
  const targets: { level: Level; stream: { write(line: string): unknown } }[] = [];
  let file: ReturnType<typeof pino.destination> | undefined;
  if (options.file !== undefined) {
    mkdirSync(dirname(options.file), { recursive: true });
    file = pino.destination({ dest: options.file, append: true, sync: false });
    targets.push({ level: 'trace', stream: file });
  }
  if (options.console !== undefined) {
    const { output, pretty, level = 'trace', verbose = false, color = false, width } = options.console;
    const write = pretty
      ? (line: string) => output.write(`${formatLogLine(line, { verbose, color, width: width?.() })}\n`)
      : (line: string) => output.write(line);
    targets.push({ level, stream: { write } });
  }
  // The logger filters by level; every target takes what it lets through.
  const logger =
    targets.length === 0
      ? createLogger({ level: 'silent' })
      : createLogger({ level: options.level, redact: options.redact, destination: pino.multistream(targets) });
  return {
    logger,
    close: () =>
      new Promise<void>((resolveClose) => {
        if (file === undefined) {
          resolveClose();
          return;
        }
        file.once('close', () => resolveClose());
        file.once('error', () => resolveClose());
        file.end();
      }),
  };
}

/** Fields every entry has, or that {@link formatLogLine} shows in their own place. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'stream', 'err', 'error']);
const LEVEL_COLOR: Record<string, string> = { warn: '\u001b[33m', error: '\u001b[31m', fatal: '\u001b[31m' };
/** Field values longer than this are cut in the terminal line (the log file keeps them whole). */
const MAX_VALUE = 80;

/**
 * One JSON log entry as one terminal line: `12:03:04 WARN  [clicks] batch failed · shardId=… reason=… ·
 * TransientError: store down`. Nested values are compact JSON, cut at 80 characters; the error's stack
 * follows (indented) only with `verbose` — the log file always has it.
 *
 * @example
 * ```ts
 * formatLogLine('{"level":"warn","time":0,"stream":"clicks","msg":"batch failed"}', { verbose: false });
 * // '00:00:00 WARN  [clicks] batch failed'
 * ```
 */
export function formatLogLine(
  json: string,
  options: { readonly verbose: boolean; readonly color?: boolean; readonly width?: number | undefined },
): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const level = String(entry.level ?? 'info');
  const time =
    typeof entry.time === 'number' || typeof entry.time === 'string'
      ? new Date(entry.time).toISOString().slice(11, 19)
      : '';
  const label = level.toUpperCase().padEnd(5);
  const tinted = options.color && LEVEL_COLOR[level] ? `${LEVEL_COLOR[level]}${label}\u001b[39m` : label;
  const parts = [
    `${time} ${tinted}${typeof entry.stream === 'string' ? ` [${entry.stream}]` : ''} ${oneLine(String(entry.msg ?? ''))}`,
  ];
  const fields = Object.entries(entry)
    .filter(([key, value]) => !SHOWN_APART.has(key) && value !== undefined && value !== null)
    .map(([key, value]) => `${key}=${cut(typeof value === 'string' ? value : JSON.stringify(value))}`);
  if (fields.length > 0) parts.push(fields.join(' '));
  const error = (entry.err ?? entry.error) as
    | { type?: string; name?: string; message?: string; stack?: string }
    | undefined;
  if (error !== undefined && typeof error === 'object') {
    parts.push(`${error.name ?? error.type ?? 'Error'}: ${cut(oneLine(error.message ?? ''))}`);
  }
  const full = parts.join(' · ');
  // The level's colour codes take no columns: count them out when cutting to the terminal width.
  const invisible = tinted.length - label.length;
  const room =
    options.width === undefined || options.width <= 0 ? Number.POSITIVE_INFINITY : options.width - 1 + invisible;
  const line = full.length > room ? `${full.slice(0, room - 1)}…` : full;
  if (!options.verbose || typeof error?.stack !== 'string') return line;
  return `${line}\n${error.stack
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}`;
}

function oneLine(text: string): string {
  return text.replaceAll(/\s*\n\s*/g, ' ').trim();
}

function cut(text: string): string {
  const single = oneLine(text);
  return single.length > MAX_VALUE ? `${single.slice(0, MAX_VALUE - 1)}…` : single;
}
