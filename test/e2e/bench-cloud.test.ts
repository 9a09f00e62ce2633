import { existsSync } from 'node:fs';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchCloudSpec } from '../../benchmarks/cloud/bench-config.js';
import { BENCH_CONFIG_MODULE, type CommandRunner, oslsDeployer } from '../../benchmarks/cloud/deployers.js';
import { type CloudReport, runCloud } from '../../benchmarks/cloud/run-cloud.js';
import { emulatedTarget } from '../../benchmarks/cloud/targets.js';
import { silentProgress } from '../../benchmarks/lib/progress.js';
import { type RunningEmulators, startEmulators } from '../../src/local/emulators/index.js';
import type { ShardflowConfig } from '../../src/runtime/config/types.js';

/**
 * Cloud mode's whole code path except AWS itself: streams and the results table created through the
 * Kinesis and DynamoDB APIs (kinesalite, DynamoDB Local), the stage's config deployed to the local ESM
 * standing in for Lambda, PutRecords at a set rate, stamps written by the processors, figures collected
 * from the results table, the stage removed.
 */
describe('shardflow bench --target emulated (cloud mode on kinesalite + DynamoDB Local)', () => {
  let emulators: RunningEmulators;
  let report: CloudReport;

  beforeAll(async () => {
    // Arrange
    emulators = await startEmulators(
      { streams: {} },
      { services: ['kinesis', 'dynamodb'], createResources: false, handleSignals: false },
    );
    // Act
    report = await runCloud({
      target: emulatedTarget(emulators, { batchSize: 50 }),
      stage: 'cibench',
      memorySizes: [128, 1769],
      rate: 60,
      durationSeconds: 2,
      keep: false,
      progress: silentProgress,
    });
  }, 180_000);

  afterAll(async () => {
    await emulators?.stop();
  });

  it('deploys one function and one stream per memory size', () => {
    // Assert
    expect(report.target).toBe('emulated');
    expect(report.deployment.functions.map((f) => f.memoryMB)).toEqual([128, 1769]);
    expect(report.deployment.functions.map((f) => f.streamName)).toEqual([
      'shardflow-bench-cibench-m128',
      'shardflow-bench-cibench-m1769',
    ]);
    for (const f of report.deployment.functions) expect(f.streamArn).toMatch(/^arn:aws:kinesis:/);
  });

  it('stamps every record put to each stream exactly once and computes the figures from the stamps', () => {
    // Assert
    expect(report.produced.map((load) => load.records)).toEqual([120, 120]);
    for (const f of report.functions) {
      expect(f.records).toBe(120);
      expect(f.invocations).toBeGreaterThanOrEqual(120 / 50);
      expect(f.recordsPerInvocation).toBeCloseTo(f.records / f.invocations, 2);
      expect(f.latencyMs.count).toBe(120);
      expect(f.latencyMs.p50).toBeLessThanOrEqual(f.latencyMs.p99);
      expect(f.durationMs.count).toBe(f.invocations);
      expect(f.iteratorAgeMs.count).toBe(f.invocations);
      expect(f.costPerMillionRecords.x86).toBeGreaterThan(0);
    }
  });

  it('removes the streams and the results table afterwards', async () => {
    // Act
    const streams = await emulators.clients.kinesis!.send(new ListStreamsCommand({}));
    const table = emulators.clients.dynamodb!.send(
      new DescribeTableCommand({ TableName: report.deployment.resultsTable }),
    );
    // Assert
    expect(report.removed).toBe(true);
    expect(streams.StreamNames ?? []).not.toContain('shardflow-bench-cibench-m128');
    await expect(table).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('oslsDeployer (the AWS deployer; the command runner is recorded instead of run)', () => {
  const spec: BenchCloudSpec = {
    service: 'shardflow-bench',
    stage: 'bench',
    runId: 'run-1',
    memorySizes: [128, 3008],
    streams: {
      128: {
        name: 'shardflow-bench-bench-m128',
        arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/shardflow-bench-bench-m128',
      },
      3008: {
        name: 'shardflow-bench-bench-m3008',
        arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/shardflow-bench-bench-m3008',
      },
    },
    resultsTable: 'shardflow-bench-bench-results',
    batchSize: 100,
    batchWindowSeconds: 0,
    timeoutSeconds: 60,
  };

  it('deploys and removes the stage with osls, passing the config module and the stage spec', async () => {
    // Arrange
    const calls: { command: string; args: readonly string[]; env: Readonly<Record<string, string>> }[] = [];
    const run: CommandRunner = async (command, args, env) => {
      calls.push({ command, args, env });
      return '';
    };
    const deployer = oslsDeployer({ region: 'eu-west-1', run });
    // Act
    await deployer.deploy({} as ShardflowConfig, spec);
    await deployer.remove(spec);
    // Assert
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      ['npx', 'osls', 'deploy', '--stage', 'bench', '--region', 'eu-west-1'],
      ['npx', 'osls', 'remove', '--stage', 'bench', '--region', 'eu-west-1'],
    ]);
    expect(JSON.parse(calls[0]!.env.BENCH_SPEC!)).toEqual(JSON.parse(JSON.stringify(spec)));
    expect(calls[0]!.env.SHARDFLOW_CONFIG).toBe(BENCH_CONFIG_MODULE);
    expect(existsSync(BENCH_CONFIG_MODULE)).toBe(true);
  });

  it('the config module rebuilds one function per memory size from BENCH_SPEC, as inside Lambda', async () => {
    // Arrange
    process.env.BENCH_SPEC = JSON.stringify(spec);
    try {
      // Act
      const { default: config } = (await import('../../benchmarks/cloud/bench.config.js')) as {
        default: ShardflowConfig;
      };
      // Assert
      expect(config.service).toBe('shardflow-bench-bench');
      expect(Object.keys(config.streams)).toEqual(['m128', 'm3008']);
      expect(config.streams.m128!.memorySize).toBe(128);
      expect(config.streams.m3008!.source).toEqual({
        type: 'kinesis',
        stream: 'shardflow-bench-bench-m3008',
        arn: spec.streams[3008]!.arn,
      });
    } finally {
      delete process.env.BENCH_SPEC;
    }
  });
});
