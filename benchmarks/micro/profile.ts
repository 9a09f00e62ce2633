import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from '../lib/markdown.js';
import {
  type BenchHandlerOptions,
  LAMBDA_CONTEXT,
  type MicroSource,
  shardflowBenchHandler,
} from '../lib/shardflow-handler.js';
import { microEvent } from './run-micro.js';

/** Share of profiled CPU time spent in one function. */
export interface ProfileEntry {
  readonly function: string;
  /** Path relative to the repository (or a Node/V8 internal name). */
  readonly location: string;
  readonly percent: number;
}

/** Where shardflow's handler spends its time on one batch size. */
export interface HandlerProfile {
  readonly source: MicroSource;
  readonly batchSize: number;
  /** The handler variant: `silent` or `info` logger, and whether the processor reads `ctx.previous`. */
  readonly variant: { readonly logger: 'silent' | 'info'; readonly readsPrevious: boolean };
  readonly batches: number;
  readonly recordsPerSecond: number;
  /** Functions by self time (including `(garbage collector)`). */
  readonly self: ProfileEntry[];
  /** Functions in `src/` by inclusive time (time in them and what they call). */
  readonly inclusiveSrc: ProfileEntry[];
  /** The V8 CPU profile (open in Chrome DevTools › Performance, or speedscope). */
  readonly cpuProfile: object;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function location(url: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}

/**
 * Aggregates a V8 CPU profile by function: self time over everything, inclusive time for functions
 * under `src/` (each function counted once per sample, so recursion does not inflate it).
 *
 * @example
 * ```ts
 * const { self, inclusiveSrc } = summarizeProfile(profile, 25);
 * ```
 */
export function summarizeProfile(
  profile: CpuProfile,
  top = 25,
): { self: ProfileEntry[]; inclusiveSrc: ProfileEntry[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Samples inside the inspector's own dispatch (starting and stopping the profiler) and idle time are
  // the measurement, not the handler: leave them out of the total.
  const apparatus = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      if ((frame.functionName === 'dispatch' && frame.url === '') || frame.functionName === '(idle)') return true;
    }
    return false;
  };
  const timeByNode = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (apparatus(id)) return;
    const dt = profile.timeDeltas[i] ?? 0;
    timeByNode.set(id, (timeByNode.get(id) ?? 0) + dt);
    total += dt;
  });
  const keyOf = (node: ProfileNode) =>
    `${node.callFrame.functionName || '(anonymous)'}\u0000${location(node.callFrame.url)}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of timeByNode) {
    const node = byId.get(id)!;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + time);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = keyOf(byId.get(cur)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + time);
    }
  }
  const entries = (map: Map<string, number>, keep: (location: string) => boolean) =>
    [...map]
      .map(([key, time]) => {
        const [fn, loc] = key.split('\u0000') as [string, string];
        return { function: fn, location: loc, percent: round((100 * time) / (total || 1), 3) };
      })
      .filter((entry) => keep(entry.location))
      .sort((a, b) => b.percent - a.percent)
      .slice(0, top);
  return { self: entries(self, () => true), inclusiveSrc: entries(inclusive, (loc) => loc.startsWith('src/')) };
}

/**
 * Profiles shardflow's handler in this process with the V8 sampling profiler (the inspector's
 * `Profiler` domain, as `node --cpu-prof` does) on the micro suite's event: warms up, then runs batches for
 * `durationMs`. `variant` picks the logger and whether the processor reads `ctx.previous`.
 *
 * @example
 * ```ts
 * const profile = await profileShardflow('kinesis', 100, 3000);
 * profile.inclusiveSrc[0]; // { function: 'run', location: 'src/runtime/processing/batch-engine.ts', percent: 71.2 }
 * ```
 */
export async function profileShardflow(
  source: MicroSource,
  batchSize: number,
  durationMs: number,
  variant: BenchHandlerOptions = {},
): Promise<HandlerProfile> {
  const handler = shardflowBenchHandler(source, variant);
  const event = microEvent(source, batchSize);
  const warmUntil = performance.now() + Math.min(1000, durationMs / 2);
  while (performance.now() < warmUntil) await handler(event, LAMBDA_CONTEXT);
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const started = performance.now();
    let batches = 0;
    while (performance.now() - started < durationMs) {
      await handler(event, LAMBDA_CONTEXT);
      batches++;
    }
    const elapsed = performance.now() - started;
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    return {
      source,
      batchSize,
      variant: { logger: variant.logger ?? 'silent', readsPrevious: variant.readsPrevious ?? false },
      batches,
      recordsPerSecond: round((batches * batchSize) / (elapsed / 1000), 4),
      ...summarizeProfile(profile),
      cpuProfile: profile,
    };
  } finally {
    session.disconnect();
  }
}
