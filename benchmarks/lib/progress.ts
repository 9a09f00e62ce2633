import cliProgress from 'cli-progress';

/** A progress reporter for long runs: bars on a terminal, one line per step otherwise, or nothing. */
export interface Progress {
  /** Starts a task of `total` steps. */
  task(name: string, total: number): ProgressTask;
  /** A line above the bars. */
  log(line: string): void;
  stop(): void;
}

/** One task of a {@link Progress}. */
export interface ProgressTask {
  /** Advances by one step, naming what was just done. */
  tick(step: string): void;
  done(): void;
}

/**
 * A {@link Progress} that prints nothing (tests, `--quiet`).
 *
 * @example
 * ```ts
 * await runMicro({ ...plan.micro, progress: silentProgress });
 * ```
 */
export const silentProgress: Progress = {
  task: () => ({ tick: () => {}, done: () => {} }),
  log: () => {},
  stop: () => {},
};

/**
 * The progress reporter of a benchmark run: `cli-progress` bars on stderr when it is a terminal, plain
 * lines (`[micro 3/10] kinesis batch 100`) otherwise, so CI logs stay readable.
 *
 * @example
 * ```ts
 * const progress = createProgress(process.stderr);
 * const task = progress.task('micro', 10);
 * task.tick('kinesis batch 1');
 * task.done();
 * progress.stop();
 * ```
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    return {
      task(name, total) {
        let value = 0;
        return {
          tick: (step) => {
            value++;
            stream.write(`[${name} ${value}/${total}] ${step}\n`);
          },
          done: () => {},
        };
      },
      log: (line) => stream.write(`${line}\n`),
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: ' {name} [{bar}] {value}/{total} {step} | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    task(name, total) {
      const bar = bars.create(total, 0, { name: name.padEnd(7), step: '' });
      return {
        tick: (step) => bar.increment(1, { step }),
        done: () => bar.stop(),
      };
    },
    log: (line) => bars.log(`${line}\n`),
    stop: () => bars.stop(),
  };
}
