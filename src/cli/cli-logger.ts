import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Level, pino } from 'pino';
import { isMissingPackage } from '../local/missing-tool.js';
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
  /** Append JSON lines to this file (parent directories are created). */
  readonly file?: string;
  /**
   * Also write lines here: human-readable (pino-pretty) when `pretty`, JSON lines otherwise; only from
   * `level` up when given (e.g. warnings only on a terminal while the file takes everything).
   */
  readonly console?: { readonly output: TextOutput; readonly pretty: boolean; readonly level?: Level | undefined };
}

/** A logger for a CLI command and the means to flush it before the process exits. */
export interface CliLogger {
  readonly logger: Logger;
  /** Writes what is buffered and closes the log file. */
  close(): Promise<void>;
}

/**
 * The logger of a CLI command: shardflow's JSON logger ({@link createLogger}) fanned out to a log file
 * and/or the terminal, pretty-printed in-process with `pino-pretty` when asked (and installed: it is an
 * optional, development-time package; without it the terminal gets JSON lines). Without any target,
 * lines are dropped (level `silent`).
 *
 * @example
 * ```ts
 * const { logger, close } = await createCliLogger({
 *   file: '.shardflow/dev.log',
 *   console: { output: process.stderr, pretty: process.stderr.isTTY === true },
 * });
 * logger.info('ready');
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
    const { output, pretty, level = 'trace' } = options.console;
    const format = pretty ? await loadPrettyFormatter() : undefined;
    targets.push({ level, stream: { write: (line) => output.write(format ? format(line) : line) } });
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

type Formatter = (line: string) => string;

/** pino-pretty's formatter, or `undefined` when the package is not installed. */
async function loadPrettyFormatter(): Promise<Formatter | undefined> {
  try {
    const module = (await import('pino-pretty')) as {
      prettyFactory?: (options: object) => Formatter;
      default?: { prettyFactory?: (options: object) => Formatter };
    };
    const factory = module.prettyFactory ?? module.default?.prettyFactory;
    return factory?.({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch (error) {
    if (isMissingPackage(error, 'pino-pretty')) return undefined;
    throw error;
  }
}
