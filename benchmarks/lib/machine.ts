import { cpus, loadavg, release, totalmem } from 'node:os';
import type { CgroupMode } from './cgroup.js';

/** The machine a run was made on: what a reader needs to weigh its figures. */
export interface MachineDescription {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryMB: number;
  readonly platform: string;
  readonly kernel: string;
  readonly node: string;
  readonly v8: string;
  /** How the memory sweep limits CPU and memory here. */
  readonly cgroupMode: CgroupMode;
  /** 1/5/15-minute load averages when the run started: other work on the machine. */
  readonly loadAverageAtStart: readonly number[];
  readonly note: string;
}

/**
 * Describes this machine and process.
 *
 * @example
 * ```ts
 * describeMachine('cgroup-v1', 'shared 2-core VM').cores; // 2
 * ```
 */
export function describeMachine(cgroupMode: CgroupMode, note: string): MachineDescription {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    node: process.version,
    v8: process.versions.v8,
    cgroupMode,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    note,
  };
}
