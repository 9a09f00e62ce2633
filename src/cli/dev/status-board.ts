import { ESM_EVENT_COUNT_METRICS, type EsmEventCounts } from '../../local/esm/event-counts.js';
import type { EsmStatus } from '../../local/esm/event-source-mapping.js';
import type { TextOutput } from '../cli-logger.js';

/** Something with a status: a {@link LocalEventSourceMapping}. */
export interface StatusSource {
  status(): EsmStatus;
}

/** One stream's status at one moment, with its smoothed throughput. */
export interface StreamSample {
  readonly stream: string;
  readonly status: EsmStatus;
  /** Records handled per second over the last few seconds ({@link StatusSampler}); 0 on the first sample. */
  readonly recordsPerSecond: number;
}

/** How long {@link StatusSampler} averages throughput over. */
export const RATE_WINDOW_MS = 5000;

/**
 * Samples the status of several mappings and derives records/s from the change of `recordsDone`
 * over the last {@link RATE_WINDOW_MS} (a sliding window, so a batch that takes a few seconds does not
 * make the rate drop to 0 and jump back).
 *
 * @example
 * ```ts
 * const sampler = new StatusSampler(run.mappings);
 * setInterval(() => board.update(sampler.sample()), 1000);
 * ```
 */
export class StatusSampler {
  readonly #sources: ReadonlyMap<string, StatusSource>;
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #history = new Map<string, { at: number; done: number }[]>();

  constructor(sources: ReadonlyMap<string, StatusSource>, now: () => number = Date.now, windowMs = RATE_WINDOW_MS) {
    this.#sources = sources;
    this.#now = now;
    this.#windowMs = windowMs;
  }

  sample(): StreamSample[] {
    const at = this.#now();
    return [...this.#sources].map(([stream, source]) => {
      const status = source.status();
      const history = this.#history.get(stream) ?? [];
      history.push({ at, done: status.recordsDone });
      // Keep the newest sample at or before the window's start, so the window is always covered.
      while (history.length > 2 && history[1]!.at <= at - this.#windowMs) history.shift();
      this.#history.set(stream, history);
      const oldest = history[0]!;
      const seconds = (at - oldest.at) / 1000;
      const recordsPerSecond = seconds > 0 ? (status.recordsDone - oldest.done) / seconds : 0;
      return { stream, status, recordsPerSecond };
    });
  }
}

/** What a stream is doing now, in words: the state column of the status line. */
export function activityOf(status: EsmStatus): { readonly text: string; readonly tone: Tone } {
  if (!status.started) return { text: 'starting', tone: 'quiet' };
  if (status.retryInMs !== undefined)
    return { text: `retrying in ${Math.ceil(status.retryInMs / 1000)}s`, tone: 'warn' };
  if (status.invoking > 0) return { text: `invoking ${formatCount(status.invoking)}`, tone: 'busy' };
  if (status.inFlight > 0) return { text: `batching ${formatCount(status.inFlight)}`, tone: 'busy' };
  return { text: 'waiting for next poll', tone: 'quiet' };
}

type Tone = 'plain' | 'good' | 'busy' | 'warn' | 'bad' | 'quiet';

/** One column of the status line. Lower `priority` is kept longer when the terminal is narrow. */
interface Column {
  readonly key: string;
  readonly priority: number;
  readonly align: 'left' | 'right';
  text(sample: StreamSample): string;
  tone(sample: StreamSample): Tone;
}

const COLUMNS: readonly Column[] = [
  {
    key: 'rate',
    priority: 1,
    align: 'right',
    text: (s) => `${s.recordsPerSecond.toFixed(1)} rec/s`,
    tone: (s) => (s.recordsPerSecond > 0 ? 'good' : 'plain'),
  },
  {
    key: 'done',
    priority: 2,
    align: 'left',
    text: (s) => `done ${formatCount(s.status.recordsDone)}`,
    tone: () => 'plain',
  },
  {
    key: 'retries',
    priority: 3,
    align: 'left',
    text: (s) => `retries ${formatCount(s.status.retries)}`,
    tone: (s) => (s.status.retries > 0 ? 'warn' : 'plain'),
  },
  {
    key: 'discarded',
    priority: 4,
    align: 'left',
    text: (s) => `discarded ${formatCount(s.status.recordsDiscarded)}`,
    tone: (s) => (s.status.recordsDiscarded > 0 ? 'bad' : 'plain'),
  },
  {
    key: 'age',
    priority: 5,
    align: 'left',
    text: (s) => `age ${formatAge(s.status.iteratorAgeMs)}`,
    tone: () => 'plain',
  },
  {
    key: 'errors',
    priority: 6,
    align: 'left',
    text: (s) => `fn-errors ${formatCount(s.status.functionErrors)}`,
    tone: (s) => (s.status.functionErrors > 0 ? 'bad' : 'plain'),
  },
  {
    key: 'read',
    priority: 7,
    align: 'left',
    text: (s) => `read ${formatCount(s.status.recordsRead)}`,
    tone: () => 'plain',
  },
  {
    key: 'invocations',
    priority: 8,
    align: 'left',
    text: (s) => `invocations ${formatCount(s.status.invocations)}`,
    tone: () => 'plain',
  },
  { key: 'shards', priority: 9, align: 'left', text: (s) => `shards ${s.status.shards.active}`, tone: () => 'plain' },
  // The state last: its text varies in length, and it must stay (priority 1).
  {
    key: 'state',
    priority: 1,
    align: 'left',
    text: (s) => activityOf(s.status).text,
    tone: (s) => activityOf(s.status).tone,
  },
];

const SEPARATOR = '  ';
/** A name is never cut shorter than this (plus the ellipsis). */
const MIN_NAME = 6;
/** Names are cut to this length before any column is dropped. */
const SOFT_NAME = 16;

/** Options of {@link formatStatusLines}. */
export interface StatusLineOptions {
  /** Terminal columns; lines stay strictly shorter (the last column is left free). `Infinity`: no limit. */
  readonly width: number;
  /** ANSI colours (terminals only). */
  readonly color?: boolean;
}

/**
 * The status lines of several streams, one per stream, aligned in columns and fitted to the terminal
 * width: when the full line does not fit, the least important columns are dropped (shards, invocations,
 * read, function errors, age, discarded, retries — in that order), then stream names are shortened with
 * `…`. Numbers are never cut; throughput, records done and the state ("waiting for next poll",
 * "invoking 500", "retrying in 4s") always stay.
 *
 * @example
 * ```ts
 * formatStatusLines(sampler.sample(), { width: 80 });
 * // ['clicks    12.0 rec/s  done 1,240  retries 0  discarded 0  age 0.4s  fn-errors 0  waiting for next poll']
 * ```
 */
export function formatStatusLines(samples: readonly StreamSample[], options: StatusLineOptions): string[] {
  if (samples.length === 0) return [];
  const limit = options.width - 1;
  const cells = new Map(COLUMNS.map((column) => [column.key, samples.map((sample) => column.text(sample))]));
  const widthOf = (column: Column) => Math.max(...cells.get(column.key)!.map((text) => text.length));
  const nameWidth = Math.max(...samples.map((sample) => sample.stream.length));
  let shown = [...COLUMNS];
  // The name, then a separator before every shown column.
  const total = (name: number) => name + shown.reduce((sum, column) => sum + SEPARATOR.length + widthOf(column), 0);
  const droppable = [...COLUMNS].filter((column) => column.priority > 2).sort((a, b) => b.priority - a.priority);
  // Columns make way for a name of up to SOFT_NAME characters; a longer name is cut before any column goes.
  for (const column of droppable) {
    if (total(Math.min(nameWidth, SOFT_NAME)) <= limit) break;
    shown = shown.filter((c) => c !== column);
  }
  const fittedName = Math.min(nameWidth, Math.max(MIN_NAME + 1, limit - total(0)));
  return samples.map((sample, row) => {
    const name = fitName(sample.stream, fittedName).padEnd(fittedName);
    const parts = shown.map((column, i) => {
      const text = cells.get(column.key)![row]!;
      const last = i === shown.length - 1;
      const padded =
        column.align === 'right' ? text.padStart(widthOf(column)) : last ? text : text.padEnd(widthOf(column));
      return options.color ? paint(padded, column.tone(sample)) : padded;
    });
    return [name, ...parts].join(SEPARATOR);
  });
}

function fitName(name: string, width: number): string {
  return name.length <= width ? name : `${name.slice(0, Math.max(1, width - 1))}…`;
}

const TONES: Record<Tone, [string, string] | undefined> = {
  plain: undefined,
  good: ['\u001b[32m', '\u001b[39m'],
  busy: ['\u001b[36m', '\u001b[39m'],
  warn: ['\u001b[33m', '\u001b[39m'],
  bad: ['\u001b[31m', '\u001b[39m'],
  quiet: ['\u001b[2m', '\u001b[22m'],
};

function paint(text: string, tone: Tone): string {
  const codes = TONES[tone];
  return codes === undefined ? text : `${codes[0]}${text}${codes[1]}`;
}

/**
 * The final line of a stream's counters, `key=value` so scripts can read it:
 * `summary clicks: read=10 done=10 filtered=0 discarded=0 invocations=2 partialFailures=0 functionErrors=0 retries=0`.
 *
 * @example
 * ```ts
 * console.log(formatSummaryLine('clicks', mapping.status()));
 * ```
 */
export function formatSummaryLine(stream: string, status: EsmStatus): string {
  const fields = {
    read: status.recordsRead,
    done: status.recordsDone,
    filtered: status.recordsFiltered,
    discarded: status.recordsDiscarded,
    invocations: status.invocations,
    partialFailures: status.partialFailures,
    functionErrors: status.functionErrors,
    retries: status.retries,
  };
  return `summary ${stream}: ${Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}`;
}

/**
 * The line `shardflow dev` prints at the end per stream with the mapping's event counts, named as AWS's
 * `EventCount` metrics of a deployed mapping (`MetricsConfig`), so local and cloud figures read alike.
 *
 * @example
 * ```ts
 * formatEventCountsLine('clicks', counts); // 'events clicks: PolledEventCount=10 FilteredOutEventCount=0 …'
 * ```
 */
export function formatEventCountsLine(stream: string, counts: EsmEventCounts): string {
  const fields = (Object.entries(ESM_EVENT_COUNT_METRICS) as [keyof EsmEventCounts, string][]).map(
    ([key, metric]) => `${metric}=${counts[key]}`,
  );
  return `events ${stream}: ${fields.join(' ')}`;
}

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatAge(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`;
}

const ESC = '\u001b[';

/** Options of {@link StatusBoard}. */
export interface StatusBoardOptions {
  /** Redraw in place (a terminal). Otherwise plain `status …` lines, every `plainEveryMs`. */
  readonly live: boolean;
  /** ANSI colours; only honoured when `live`. */
  readonly color?: boolean;
  /** Plain mode: print at most this often (default 5000 ms), so a log file is not flooded. */
  readonly plainEveryMs?: number;
  readonly now?: () => number;
}

/**
 * Shows one status line per stream. On a terminal (`live`), the block is redrawn in place with ANSI
 * cursor movement, fitted to the terminal width ({@link formatStatusLines}), coloured when asked; call
 * {@link clear} before writing anything else to the terminal (the dev logger does), and the block is
 * redrawn below it on the next update. Elsewhere (a pipe, a file), plain `status …` lines with every
 * column, every few seconds.
 *
 * @example
 * ```ts
 * const board = new StatusBoard(process.stdout, { live: process.stdout.isTTY === true, color: true });
 * board.update(sampler.sample());
 * board.clear();
 * ```
 */
export class StatusBoard {
  readonly #output: TextOutput & { readonly columns?: number | undefined };
  readonly #options: StatusBoardOptions;
  #drawn = 0;
  #lastPlainAt: number | undefined;

  constructor(output: TextOutput & { readonly columns?: number | undefined }, options: StatusBoardOptions) {
    this.#output = output;
    this.#options = options;
  }

  /** Draws the samples; `force` prints plain lines even before `plainEveryMs` (the final update). */
  update(samples: readonly StreamSample[], force = false): void {
    if (!this.#options.live) {
      const now = (this.#options.now ?? Date.now)();
      if (!force && this.#lastPlainAt !== undefined && now - this.#lastPlainAt < (this.#options.plainEveryMs ?? 5000)) {
        return;
      }
      this.#lastPlainAt = now;
      const lines = formatStatusLines(samples, { width: Number.POSITIVE_INFINITY });
      this.#output.write(lines.map((line) => `status ${line}\n`).join(''));
      return;
    }
    // A terminal that reports no width (0) gets whole lines.
    const width = this.#output.columns || Number.POSITIVE_INFINITY;
    const lines = formatStatusLines(samples, { width, color: this.#options.color === true });
    this.#output.write(`${this.#erase()}${lines.map((line) => `${line}\n`).join('')}`);
    this.#drawn = lines.length;
  }

  /** Erases the drawn block (live mode) so other output can take its place. */
  clear(): void {
    if (this.#options.live && this.#drawn > 0) this.#output.write(this.#erase());
  }

  /** Leaves the last drawn block on screen and stops tracking it. */
  release(): void {
    this.#drawn = 0;
  }

  #erase(): string {
    const text = this.#drawn > 0 ? `${ESC}${this.#drawn}F${ESC}J` : '';
    this.#drawn = 0;
    return text;
  }
}
