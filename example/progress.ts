import cliProgress from 'cli-progress';
import type { LocalRun } from 'shardflow/local';

/** A live view of the pipeline while it runs. */
export interface ProgressDisplay {
  stop(): void;
}

/** Throughput is averaged over this many milliseconds, so a slow batch does not read as a stall. */
const RATE_WINDOW_MS = 5000;

/** One stream's figures at one moment. */
export interface StreamProgress {
  readonly done: number;
  readonly total: number;
  /** Records/s over the last {@link RATE_WINDOW_MS}. */
  readonly rate: number;
  /** Seconds left at the current rate; `undefined` while the rate is 0 (or unknown). */
  readonly etaSeconds: number | undefined;
  readonly ageSeconds: number;
  readonly retries: number;
  readonly quarantined: number;
}

/**
 * One progress line, fitted to `width` columns: name, a bar that takes the room left, records
 * done/total, rate, ETA, iterator age, retries and quarantined records — the last ones dropped first
 * when the terminal is narrow; numbers are never cut.
 *
 * @example
 * ```ts
 * formatProgressLine('clicks', { done: 600, total: 1200, rate: 300, etaSeconds: 2, ageSeconds: 0.4, retries: 0, quarantined: 3 }, 80);
 * // ' clicks   [██████░░░░░░] 600/1,200 · 300/s · ETA 2s · age 0.4s · retries 0'
 * ```
 */
export function formatProgressLine(name: string, p: StreamProgress, width: number, nameWidth = 8): string {
  const fields = [
    `${fmt(p.done)}/${fmt(p.total)}`,
    `${fmt(Math.round(p.rate))}/s`,
    p.done >= p.total && p.total > 0 ? 'done' : `ETA ${p.etaSeconds === undefined ? '--' : duration(p.etaSeconds)}`,
    `age ${p.ageSeconds.toFixed(1)}s`,
    `retries ${fmt(p.retries)}`,
    `quarantined ${fmt(p.quarantined)}`,
  ];
  const head = ` ${name.padEnd(nameWidth)} `;
  const limit = width - 1;
  // One bar width per terminal width, so the bars of all streams line up.
  const barWidth = width < 100 ? 12 : 30;
  let shown = fields.length;
  const tail = () => fields.slice(0, shown).join(' · ');
  while (shown > 3 && head.length + barWidth + 3 + tail().length > limit) shown--;
  const filled = p.total > 0 ? Math.min(barWidth, Math.round((p.done / p.total) * barWidth)) : 0;
  return `${head}[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${tail()}`;
}

/**
 * Shows, per stream, records handled against records written with a bar, records/s (smoothed), ETA,
 * iterator age, retries and quarantined records: progress bars on a terminal (`cli-progress`, fitted to
 * its width), a plain line every 2 s otherwise.
 *
 * @example
 * ```ts
 * const progress = startProgress(run, { mode: 'auto', totals, written, quarantined: () => ({}) });
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
  const history = new Map<string, { at: number; done: number }[]>();
  const sample = (name: string): StreamProgress => {
    const s = run.mappings.get(name)!.status();
    const done = s.recordsDone + s.recordsFiltered;
    const at = Date.now();
    const points = history.get(name) ?? [];
    points.push({ at, done });
    while (points.length > 2 && points[1]!.at <= at - RATE_WINDOW_MS) points.shift();
    history.set(name, points);
    const oldest = points[0]!;
    const rate = at > oldest.at ? ((done - oldest.done) * 1000) / (at - oldest.at) : 0;
    const total = options.totals[name] ?? 0;
    return {
      done,
      total,
      rate,
      etaSeconds: rate > 0 ? Math.max(0, total - done) / rate : undefined,
      ageSeconds: s.iteratorAgeMs / 1000,
      retries: s.retries,
      quarantined: options.quarantined()[name] ?? 0,
    };
  };
  const names = [...run.mappings.keys()];
  const nameWidth = Math.max(...names.map((name) => name.length));
  if (tty) {
    const latest = new Map<string, StreamProgress>();
    const bars = new cliProgress.MultiBar(
      {
        format: (_options, _params, payload: { stream: string }) =>
          formatProgressLine(payload.stream, latest.get(payload.stream)!, process.stdout.columns || 80, nameWidth),
        hideCursor: true,
        clearOnComplete: false,
        linewrap: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const byName = new Map(
      names.map((name) => {
        latest.set(name, sample(name));
        return [name, bars.create(options.totals[name] ?? 0, 0, { stream: name })];
      }),
    );
    const refresh = () => {
      for (const name of names) {
        const progress = sample(name);
        latest.set(name, progress);
        byName.get(name)!.update(progress.done, { stream: name });
      }
    };
    const timer = setInterval(refresh, 500);
    return {
      stop() {
        clearInterval(timer);
        refresh();
        bars.stop();
      },
    };
  }
  const timer = setInterval(() => {
    const parts = names.map((name) => {
      const p = sample(name);
      const eta = p.done >= p.total ? 'done' : `ETA ${p.etaSeconds === undefined ? '--' : duration(p.etaSeconds)}`;
      return `${name} ${p.done}/${p.total} (${Math.round(p.rate)}/s, ${eta}, age ${p.ageSeconds.toFixed(1)}s, retries ${p.retries}, quarantined ${p.quarantined})`;
    });
    const writes = Object.entries(options.written)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(`[progress] written: ${writes} · handled: ${parts.join(' · ')}`);
  }, 2000);
  return { stop: () => clearInterval(timer) };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
