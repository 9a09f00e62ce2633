import cliProgress from 'cli-progress';
import type { LocalRun } from 'shardflow/local';

/** A live view of the pipeline while it runs. */
export interface ProgressDisplay {
  stop(): void;
}

/**
 * Shows, per stream, records handled against records written, records/s, iterator age, retries and
 * quarantined records: progress bars on a terminal (`cli-progress`), a plain line every 2 s otherwise.
 *
 * @example
 * ```ts
 * const progress = startProgress(run, { mode: 'auto', totals, written });
 * progress.stop();
 * ```
 */
export function startProgress(
  run: LocalRun,
  options: {
    mode: 'auto' | 'plain' | 'none';
    totals: Record<string, number>;
    written: Record<string, number>;
    quarantined: () => Record<string, number>;
  },
): ProgressDisplay {
  if (options.mode === 'none') return { stop() {} };
  const tty = options.mode === 'auto' && process.stdout.isTTY === true;
  const last = new Map<string, { done: number; at: number }>();
  const sample = (name: string) => {
    const s = run.mappings.get(name)!.status();
    const done = s.recordsDone + s.recordsFiltered;
    const previous = last.get(name) ?? { done: 0, at: Date.now() };
    const rate = ((done - previous.done) * 1000) / Math.max(1, Date.now() - previous.at);
    last.set(name, { done, at: Date.now() });
    return {
      done,
      rate: Math.round(rate),
      age: Math.round(s.iteratorAgeMs / 100) / 10,
      retries: s.retries,
      quarantined: options.quarantined()[name] ?? 0,
    };
  };
  const names = [...run.mappings.keys()];
  if (tty) {
    const bars = new cliProgress.MultiBar(
      {
        format:
          ' {stream} [{bar}] {value}/{total} · {rate} rec/s · iterator age {age} s · retries {retries} · quarantined {quarantined}',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const byName = new Map(
      names.map((name) => [name, bars.create(options.totals[name] ?? 0, 0, { stream: name.padEnd(8) })]),
    );
    const timer = setInterval(() => {
      for (const name of names) {
        const s = sample(name);
        byName.get(name)!.update(s.done, { stream: name.padEnd(8), ...s });
      }
    }, 500);
    return {
      stop() {
        clearInterval(timer);
        for (const name of names) byName.get(name)!.update(sample(name).done);
        bars.stop();
      },
    };
  }
  const timer = setInterval(() => {
    const parts = names.map((name) => {
      const s = sample(name);
      return `${name} ${s.done}/${options.totals[name] ?? '?'} (${s.rate}/s, age ${s.age}s, retries ${s.retries}, quarantined ${s.quarantined})`;
    });
    const writes = Object.entries(options.written)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(`[progress] written: ${writes} · handled: ${parts.join(' · ')}`);
  }, 2000);
  return { stop: () => clearInterval(timer) };
}
