import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How the memory sweep gives a worker Lambda's CPU share and memory: a cgroup v2 (`cpu.max`,
 * `memory.max`), a cgroup v1 (`cpu.cfs_quota_us`, `memory.limit_in_bytes`), or not at all — then
 * durations are modelled from measured CPU time.
 */
export type CgroupMode = 'cgroup-v2' | 'cgroup-v1' | 'modelled';

/** Limits of one Lambda-sized cgroup. */
export interface CgroupLimits {
  /** Share of one CPU, e.g. 0.0724 for 128 MB (128/1769). Above 1 spans several CPUs. */
  readonly cpuFraction: number;
  readonly memoryMB: number;
}

/** CFS throttling counters of a cgroup: evidence that the quota was enforced. */
export interface Throttling {
  readonly periods: number;
  readonly throttledPeriods: number;
  readonly throttledMs: number;
}

/** A cgroup made for one worker. */
export interface LimitedGroup {
  /** The cgroup directories (one per v1 hierarchy, one for v2). */
  readonly paths: readonly string[];
  /** The `cgroup.procs` files a process writes its pid to, to join the group (all of them). */
  readonly procsFiles: readonly string[];
  throttling(): Promise<Throttling>;
  /** Peak memory of the group in MB, when the kernel reports it. */
  peakMemoryMB(): Promise<number | undefined>;
  /** Removes the group once its processes have exited (waits up to 5 s). */
  remove(): Promise<void>;
}

/** Creates Lambda-sized cgroups, or says why it cannot. */
export interface CgroupController {
  readonly mode: CgroupMode;
  /** Why this mode: the hierarchy used, or why cgroups are not usable. */
  readonly detail: string;
  create(name: string, limits: CgroupLimits): Promise<LimitedGroup>;
}

/** The CFS period used for quotas (the kernel default). */
export const CFS_PERIOD_US = 100_000;

interface Mount {
  readonly type: 'cgroup' | 'cgroup2';
  readonly point: string;
  readonly options: readonly string[];
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function mounts(): Promise<Mount[]> {
  const text = (await readText('/proc/self/mounts')) ?? '';
  const found: Mount[] = [];
  for (const line of text.split('\n')) {
    const [, point, type, options] = line.split(' ');
    if (point === undefined || options === undefined) continue;
    if (type === 'cgroup' || type === 'cgroup2') found.push({ type, point, options: options.split(',') });
  }
  return found;
}

/** `/proc/self/cgroup`: hierarchy controllers (`''` for v2) → this process's path in it. */
async function ownPaths(): Promise<Map<string, string>> {
  const text = (await readText('/proc/self/cgroup')) ?? '';
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (match) for (const controller of match[1]!.split(',')) paths.set(controller, match[2]!);
  }
  return paths;
}

async function probeDirectory(parent: string): Promise<boolean> {
  const probe = join(parent, `shardflow-probe-${process.pid}`);
  try {
    await mkdir(probe);
    await rmdir(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds out whether this process may create CPU- and memory-limited cgroups (root with a writable cgroup
 * v2 that delegates `cpu` and `memory`, or writable cgroup v1 `cpu` and `memory` hierarchies), and returns
 * a controller that creates them nested under this process's own cgroups. Otherwise the controller's
 * mode is `'modelled'` and `create` throws.
 *
 * @example
 * ```ts
 * const cgroups = await detectCgroups();
 * if (cgroups.mode !== 'modelled') {
 *   const group = await cgroups.create('bench-128', { cpuFraction: 128 / 1769, memoryMB: 128 });
 *   spawn('sh', ['-c', `${group.procsFiles.map((f) => `echo $$ > ${f}`).join('; ')}; exec node worker.mjs`]);
 * }
 * ```
 */
export async function detectCgroups(): Promise<CgroupController> {
  if (process.platform !== 'linux') return modelled('not Linux');
  const all = await mounts();
  const paths = await ownPaths();
  const v2 = all.find((m) => m.type === 'cgroup2');
  if (v2 !== undefined) {
    const dir = join(v2.point, paths.get('') ?? '/');
    const controllers = (await readText(join(dir, 'cgroup.controllers')))?.trim().split(/\s+/) ?? [];
    if (controllers.includes('cpu') && controllers.includes('memory') && (await probeDirectory(dir))) {
      const subtree = (await readText(join(dir, 'cgroup.subtree_control'))) ?? '';
      const enabled = subtree.includes('cpu') && subtree.includes('memory');
      if (
        enabled ||
        (await writeFile(join(dir, 'cgroup.subtree_control'), '+cpu +memory').then(
          () => true,
          () => false,
        ))
      ) {
        return v2Controller(dir);
      }
    }
  }
  const cpuMount = all.find((m) => m.type === 'cgroup' && m.options.includes('cpu'));
  const memoryMount = all.find((m) => m.type === 'cgroup' && m.options.includes('memory'));
  if (cpuMount !== undefined && memoryMount !== undefined) {
    const cpuDir = join(cpuMount.point, paths.get('cpu') ?? '/');
    const memoryDir = join(memoryMount.point, paths.get('memory') ?? '/');
    if ((await probeDirectory(cpuDir)) && (await probeDirectory(memoryDir))) return v1Controller(cpuDir, memoryDir);
    return modelled(`cgroup v1 hierarchies at ${cpuDir} and ${memoryDir} are not writable`);
  }
  return modelled(
    v2 === undefined ? 'no cgroup filesystem mounted' : 'cgroup v2 without delegated cpu and memory controllers',
  );
}

function modelled(reason: string): CgroupController {
  return {
    mode: 'modelled',
    detail: reason,
    create: () => Promise.reject(new Error(`cgroups unavailable: ${reason}`)),
  };
}

function quotaUs(cpuFraction: number): number {
  return Math.max(1000, Math.round(cpuFraction * CFS_PERIOD_US));
}

async function removeWhenEmpty(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const procs = (await readText(join(dir, 'cgroup.procs')))?.trim();
    if (procs === undefined) return;
    if (procs === '') {
      await rmdir(dir).catch(() => {});
      return;
    }
    await sleep(100);
  }
  await rmdir(dir).catch(() => {});
}

function parseStat(text: string | undefined): Map<string, number> {
  const stat = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [key, value] = line.split(' ');
    if (key && value) stat.set(key, Number(value));
  }
  return stat;
}

function v2Controller(parent: string): CgroupController {
  return {
    mode: 'cgroup-v2',
    detail: `cgroup v2 under ${parent} (cpu.max, memory.max)`,
    async create(name, limits) {
      const dir = join(parent, `${name}-${process.pid}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'cpu.max'), `${quotaUs(limits.cpuFraction)} ${CFS_PERIOD_US}`);
      await writeFile(join(dir, 'memory.max'), String(limits.memoryMB * 1024 * 1024));
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => {});
      return {
        paths: [dir],
        procsFiles: [join(dir, 'cgroup.procs')],
        async throttling() {
          const stat = parseStat(await readText(join(dir, 'cpu.stat')));
          return {
            periods: stat.get('nr_periods') ?? 0,
            throttledPeriods: stat.get('nr_throttled') ?? 0,
            throttledMs: (stat.get('throttled_usec') ?? 0) / 1000,
          };
        },
        async peakMemoryMB() {
          const peak = await readText(join(dir, 'memory.peak'));
          return peak === undefined ? undefined : Math.round(Number(peak) / 1024 / 1024);
        },
        remove: () => removeWhenEmpty(dir),
      };
    },
  };
}

function v1Controller(cpuParent: string, memoryParent: string): CgroupController {
  return {
    mode: 'cgroup-v1',
    detail: `cgroup v1 under ${cpuParent} (cpu.cfs_quota_us) and ${memoryParent} (memory.limit_in_bytes)`,
    async create(name, limits) {
      const cpuDir = join(cpuParent, `${name}-${process.pid}`);
      const memoryDir = join(memoryParent, `${name}-${process.pid}`);
      await mkdir(cpuDir, { recursive: true });
      await mkdir(memoryDir, { recursive: true });
      await writeFile(join(cpuDir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
      await writeFile(join(cpuDir, 'cpu.cfs_quota_us'), String(quotaUs(limits.cpuFraction)));
      await writeFile(join(memoryDir, 'memory.limit_in_bytes'), String(limits.memoryMB * 1024 * 1024));
      return {
        paths: [cpuDir, memoryDir],
        procsFiles: [join(cpuDir, 'cgroup.procs'), join(memoryDir, 'cgroup.procs')],
        async throttling() {
          const stat = parseStat(await readText(join(cpuDir, 'cpu.stat')));
          return {
            periods: stat.get('nr_periods') ?? 0,
            throttledPeriods: stat.get('nr_throttled') ?? 0,
            throttledMs: (stat.get('throttled_time') ?? 0) / 1e6,
          };
        },
        async peakMemoryMB() {
          const peak = await readText(join(memoryDir, 'memory.max_usage_in_bytes'));
          return peak === undefined ? undefined : Math.round(Number(peak) / 1024 / 1024);
        },
        async remove() {
          await Promise.all([removeWhenEmpty(cpuDir), removeWhenEmpty(memoryDir)]);
        },
      };
    },
  };
}
