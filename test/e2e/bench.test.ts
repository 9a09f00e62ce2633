import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBench } from '../../benchmarks/bench-command.js';
import type { BenchRun } from '../../benchmarks/suite.js';

/**
 * `shardflow bench --quick` for real: cold start (bundled handlers imported by fresh processes), micro suite
 * (shardflow vs Powertools vs hand loops), end to end on kinesalite (local ESM vs the lean loop and the ESM-path loop), memory
 * sweep in worker processes (cgroups when the machine allows). Asserts the output's structure and sanity,
 * never a timing.
 */
describe('shardflow bench --quick (real suites, kinesalite, worker processes)', () => {
  let out: string;
  let run: BenchRun;
  let files: string[];
  let summary: string;
  const lines: string[] = [];

  beforeAll(async () => {
    // Arrange
    out = await mkdtemp(join(tmpdir(), 'shardflow-bench-'));
    const program = new Command('shardflow').exitOverride();
    registerBench(program, { commandLine: () => 'shardflow bench --quick' });
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    // Act
    try {
      await program.parseAsync(['node', 'shardflow', 'bench', '--quick', '--quiet', '--out', out]);
    } finally {
      console.log = log;
    }
    const [dir] = await readdir(out);
    files = await readdir(join(out, dir!));
    run = JSON.parse(await readFile(join(out, dir!, 'results.json'), 'utf8')) as BenchRun;
    summary = await readFile(join(out, dir!, 'summary.md'), 'utf8');
  }, 240_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes results.json, summary.md and the six charts into one run directory', () => {
    // Assert
    expect(files.sort()).toEqual(
      [
        'e2e-p99.svg',
        'e2e-throughput.svg',
        'memory-cost.svg',
        'memory-duration.svg',
        'micro-dynamodb.svg',
        'micro-kinesis.svg',
        'results.json',
        'summary.md',
      ].sort(),
    );
    expect(run.mode).toBe('quick');
    expect(run.command).toBe('shardflow bench --quick');
    expect(lines.at(-1)).toMatch(/^results: .*summary\.md$/);
  });

  it('describes the machine', () => {
    // Assert
    expect(run.machine.cores).toBeGreaterThan(0);
    expect(run.machine.memoryMB).toBeGreaterThan(0);
    expect(run.machine.node).toBe(process.version);
    expect(['cgroup-v2', 'cgroup-v1', 'modelled']).toContain(run.machine.cgroupMode);
    expect(run.machine.loadAverageAtStart).toHaveLength(3);
  });

  it('bundles and zips both cold-start handlers, times fresh imports and finds no SDK client evaluated early', () => {
    // Assert
    const coldstart = run.coldstart!;
    expect(coldstart.contenders.map((c) => c.id)).toEqual(['powertools', 'shardflow', 'shardflow-sdk-bundled']);
    for (const contender of coldstart.contenders) {
      expect(contender.samples.importMs).toHaveLength(coldstart.settings.rounds);
      expect(contender.importMs.min).toBeGreaterThan(0);
      expect(contender.importMs.min).toBeLessThanOrEqual(contender.importMs.median);
      expect(contender.importMs.median).toBeLessThanOrEqual(contender.importMs.max);
      expect(contender.failures).toBe(0);
      expect(contender.bundle.zipBytes).toBeGreaterThan(0);
      expect(contender.bundle.staticOrigins).toHaveProperty('zod');
    }
    // The deploy bundler's default leaves the SDK to the Lambda runtime; bundleAwsSdk: true bundles it.
    expect(coldstart.contenders[1]!.bundle.sdkInBundle).not.toContain('@aws-sdk/client-sqs');
    expect(coldstart.contenders[2]!.bundle.sdkInBundle).toContain('@aws-sdk/client-sqs');
    expect(coldstart.ratios.map((r) => r.noClientBeforeNeeded)).toEqual([true, true]);
  });

  it('measures every contender at every batch size and source, all correct, with ratios paired by round', () => {
    // Assert
    const micro = run.micro!;
    const contenders = { kinesis: 6, dynamodb: 8 } as const;
    const expected = micro.settings.sources.reduce((sum, source) => sum + contenders[source], 0);
    expect(micro.results).toHaveLength(expected * micro.settings.batchSizes.length);
    for (const result of micro.results) {
      expect(result.recordsPerSecond).toBeGreaterThan(0);
      expect(result.wallRecordsPerSecond).toBeGreaterThan(0);
      expect(result.microsPerRecord).toBeCloseTo(1e6 / result.recordsPerSecond, 0);
      expect(result.samples).toBeGreaterThan(0);
      expect(result.spread.min).toBeLessThanOrEqual(result.recordsPerSecond);
      expect(result.spread.max).toBeGreaterThanOrEqual(result.recordsPerSecond);
      expect(result.roundsRecordsPerSecond).toHaveLength(micro.settings.rounds);
      // MODIFY records carry both images, so even Powertools' innerSchema (applied to both) succeeds.
      expect(result.correct).toBe(true);
    }
    const handLoop = micro.ratios.filter((r) => r.subject === 'shardflow' && r.peer === 'hand-loop');
    expect(handLoop).toHaveLength(micro.settings.sources.length * micro.settings.batchSizes.length);
    for (const ratio of micro.ratios) {
      expect(ratio.median).toBeGreaterThan(0);
      expect(ratio.min).toBeLessThanOrEqual(ratio.median);
      expect(ratio.max).toBeGreaterThanOrEqual(ratio.median);
    }
    expect(micro.checks.map((c) => c.target)).toContain('kinesis-hand-100');
    expect(micro.checks.map((c) => c.target)).toContain('kinesis-logger');
  });

  it('profiles shardflow and attributes time to functions in src/', () => {
    // Assert
    const [profile] = run.profiles!;
    expect(profile!.batches).toBeGreaterThan(0);
    expect(profile!.inclusiveSrc.length).toBeGreaterThan(0);
    expect(profile!.inclusiveSrc.every((entry) => entry.location.startsWith('src/'))).toBe(true);
  });

  it('runs the lean loop, the ESM-path loop and the local ESM over the same records: all delivered once, latency percentiles ordered', () => {
    // Assert
    const e2e = run.e2e!;
    expect(e2e.results.map((m) => m.kind)).toEqual(['lean-loop', 'esm-path-loop', 'local-esm']);
    for (const m of e2e.results) {
      expect(m.error).toBeUndefined();
      expect(m.drain!.records).toBe(e2e.settings.drainRecords);
      expect(m.drain!.duplicates).toBe(0);
      expect(m.drain!.invocations).toBeGreaterThanOrEqual(e2e.settings.drainRecords / m.batchSize);
      expect(m.load!.records).toBeGreaterThan(0);
      expect(m.load!.duplicates).toBe(0);
      const { p50, p90, p99, max, count } = m.load!.latencyMs;
      expect(m.load!.latencyWithOnsetMs.count).toBe(m.load!.records);
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(m.load!.records);
      expect(p50).toBeLessThanOrEqual(p90);
      expect(p90).toBeLessThanOrEqual(p99);
      expect(p99).toBeLessThanOrEqual(max);
    }
    expect(e2e.results[2]!.ratioToCeiling!.median).toBeGreaterThan(0);
    expect(e2e.results[2]!.roundRatiosToCeiling).toHaveLength(e2e.settings.drainRounds);
  });

  it('sweeps memory sizes with a stated basis, positive costs and optimal sizes among those swept', () => {
    // Assert
    const [memory] = run.memory!;
    const sizes = memory!.settings.memorySizes;
    expect(memory!.points.map((p) => p.memoryMB)).toEqual(sizes);
    for (const point of memory!.points) {
      expect(point.error).toBeUndefined();
      expect(point.basis).toBe(memory!.mode === 'modelled' ? 'modelled' : 'enforced');
      expect(point.figures.meanMs).toBeGreaterThan(0);
      expect(point.figures.billedMeanMs).toBeGreaterThanOrEqual(1);
      expect(point.figures.costPerMillionRecords.arm64).toBeLessThan(point.figures.costPerMillionRecords.x86);
      if (point.basis === 'enforced') expect(point.throttling!.periods).toBeGreaterThan(0);
    }
    expect(sizes).toContain(memory!.costOptimalMB.x86);
    expect(sizes).toContain(memory!.costOptimalMB.arm64);
    expect(sizes).toContain(memory!.speedOptimalMB);
    expect(memory!.pricing.source).toBe('https://aws.amazon.com/lambda/pricing/');
  });

  it('summarises every suite in markdown with links to the charts', () => {
    // Assert
    for (const heading of [
      '## Headline',
      '## Cold start',
      '## Handler overhead (micro)',
      '## End to end',
      '## Memory sweep',
    ]) {
      expect(summary).toContain(heading);
    }
    for (const chart of ['micro-kinesis.svg', 'e2e-throughput.svg', 'e2e-p99.svg', 'memory-cost.svg']) {
      expect(summary).toContain(`(${chart})`);
    }
  });
});
