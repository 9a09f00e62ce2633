import type { EsmStatus } from '../../local/esm/event-source-mapping.js';
import type { TextOutput } from '../cli-logger.js';

/** Something with a status: a {@link LocalEventSourceMapping}. */
export interface StatusSource {
  status(): EsmStatus;
}

/** One stream's status at one moment, with its throughput since the previous sample. */
export interface StreamSample {
  readonly stream: string;
  readonly status: EsmStatus;
  /** Records handled per second since the previous sample (0 on the first). */
  readonly recordsPerSecond: number;
}

/**
 * Samples the status of several mappings and derives records/s from the change of `recordsDone`
 * between samples.
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
  readonly #previous = new Map<string, { at: number; done: number }>();

  constructor(sources: ReadonlyMap<string, StatusSource>, now: () => number = Date.now) {
    this.#sources = sources;
    this.#now = now;
  }

  sample(): StreamSample[] {
    const at = this.#now();
    return [...this.#sources].map(([stream, source]) => {
      const status = source.status();
      const previous = this.#previous.get(stream);
      this.#previous.set(stream, { at, done: status.recordsDone });
      const seconds = previous === undefined ? 0 : (at - previous.at) / 1000;
      const recordsPerSecond = seconds > 0 ? (status.recordsDone - previous!.done) / seconds : 0;
      return { stream, status, recordsPerSecond };
    });
  }
}

/**
 * One compact status line: throughput, read/done, in flight, iterator age, invocations, retries,
 * function errors, discarded records and shards.
 *
 * @example
 * ```ts
 * formatStatusLine(sample, 6);
 * // 'clicks  12.0 rec/s  read 120  done 118  in-flight 2  age 0.4s  invocations 3  retries 0  fn-errors 0  discarded 0  shards 4'
 * ```
 */
export function formatStatusLine(sample: StreamSample, nameWidth = sample.stream.length): string {
  const s = sample.status;
  return [
    sample.stream.padEnd(nameWidth),
    `${sample.recordsPerSecond.toFixed(1).padStart(7)} rec/s`,
    `read ${s.recordsRead}`,
    `done ${s.recordsDone}`,
    `in-flight ${s.inFlight}`,
    `age ${formatAge(s.iteratorAgeMs)}`,
    `invocations ${s.invocations}`,
    `retries ${s.retries}`,
    `fn-errors ${s.functionErrors}`,
    `discarded ${s.recordsDiscarded}`,
    `shards ${s.shards.active}`,
  ].join('  ');
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

function formatAge(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
}

const ESC = '\u001b[';

/**
 * Shows one status line per stream. On a terminal (`live`), the block is redrawn in place with ANSI
 * cursor movement and lines are cut to the terminal width (so they never wrap); call {@link clear}
 * before writing anything else to the terminal (the dev logger does), and the block is redrawn below
 * it on the next update. Elsewhere (a pipe, a file), each update prints plain lines.
 *
 * @example
 * ```ts
 * const board = new StatusBoard(process.stdout, process.stdout.isTTY === true);
 * board.update(sampler.sample());
 * board.clear();
 * ```
 */
export class StatusBoard {
  readonly #output: TextOutput & { readonly columns?: number | undefined };
  readonly #live: boolean;
  #drawn = 0;

  constructor(output: TextOutput & { readonly columns?: number | undefined }, live: boolean) {
    this.#output = output;
    this.#live = live;
  }

  update(samples: readonly StreamSample[]): void {
    const width = Math.max(0, ...samples.map((sample) => sample.stream.length));
    const lines = samples.map((sample) => formatStatusLine(sample, width));
    if (!this.#live) {
      this.#output.write(lines.map((line) => `status ${line}\n`).join(''));
      return;
    }
    // A terminal that reports no width (0) gets whole lines.
    const columns = this.#output.columns || Number.POSITIVE_INFINITY;
    const fitted = lines.map((line) => (line.length >= columns ? line.slice(0, columns - 1) : line));
    this.#output.write(`${this.#erase()}${fitted.map((line) => `${line}\n`).join('')}`);
    this.#drawn = fitted.length;
  }

  /** Erases the drawn block (live mode) so other output can take its place. */
  clear(): void {
    if (this.#live && this.#drawn > 0) this.#output.write(this.#erase());
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
