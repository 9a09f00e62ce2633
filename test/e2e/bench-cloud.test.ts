import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_SPEC_ENV, type BenchCloudSpec, resultsTableArn } from '../../benchmarks/cloud/bench-config.js';
import {
  BENCH_CONFIG_MODULE,
  BENCH_SERVICE_DIR,
  type CommandRunner,
  oslsDeployer,
} from '../../benchmarks/cloud/deployers.js';
import { ensureResultsTable, readStamps } from '../../benchmarks/cloud/results-table.js';
import { type CloudReport, runCloud } from '../../benchmarks/cloud/run-cloud.js';
import { CloudBenchTarget } from '../../benchmarks/cloud/target.js';
import { emulatedTarget } from '../../benchmarks/cloud/targets.js';
import { benchPayload } from '../../benchmarks/lib/fixtures.js';
import { silentProgress } from '../../benchmarks/lib/progress.js';
import { type RunningEmulators, startEmulators } from '../../src/local/emulators/index.js';
import type { ShardflowConfig } from '../../src/runtime/config/types.js';
import { KinesisEventFactory } from '../factories/index.js';
import { invokePackagedBundle } from './fixtures/deploy/run-bundle.js';
import { cfnLintErrors, type OslsPackageResult, oslsPackage, type Template } from './fixtures/deploy/run-osls.js';

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

  it('tears down the streams and the table a failed deploy created, and reports the deploy error', async () => {
    // Arrange
    const { kinesis, dynamodb } = emulators.clients;
    const removed: string[] = [];
    const target = new CloudBenchTarget(
      'emulated',
      { kinesis: kinesis!, dynamodb: dynamodb! },
      {
        async deploy() {
          throw new Error('deploy failed: stack shardflow-bench-cifail ROLLBACK_COMPLETE');
        },
        async remove(spec) {
          removed.push(spec.stage);
        },
      },
    );

    // Act
    const run = runCloud({
      target,
      stage: 'cifail',
      memorySizes: [256],
      rate: 10,
      durationSeconds: 1,
      keep: false,
      progress: silentProgress,
    });

    // Assert
    await expect(run).rejects.toThrow('deploy failed: stack shardflow-bench-cifail ROLLBACK_COMPLETE');
    const streams = await kinesis!.send(new ListStreamsCommand({}));
    expect(streams.StreamNames ?? []).not.toContain('shardflow-bench-cifail-m256');
    await expect(
      dynamodb!.send(new DescribeTableCommand({ TableName: 'shardflow-bench-cifail-results' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(removed).toEqual(['cifail']);
  });

  describe('the packaged bench stage (osls package of benchmarks/cloud/serverless.yml, offline)', () => {
    let spec: BenchCloudSpec;
    let pkg: OslsPackageResult;
    let template: Template;

    beforeAll(async () => {
      // Arrange: the spec the driver would deploy, with the emulators' results table.
      spec = {
        service: 'shardflow-bench',
        stage: 'cipkg',
        runId: 'run-packaged',
        memorySizes: [128, 1769],
        streams: {
          128: {
            name: 'shardflow-bench-cipkg-m128',
            arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/shardflow-bench-cipkg-m128',
          },
          1769: {
            name: 'shardflow-bench-cipkg-m1769',
            arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/shardflow-bench-cipkg-m1769',
          },
        },
        resultsTable: 'shardflow-bench-cipkg-results',
        batchSize: 100,
        batchWindowSeconds: 0,
        timeoutSeconds: 60,
      };
      await ensureResultsTable(emulators.clients.dynamodb!, spec.resultsTable);
      // Act
      pkg = await oslsPackage({
        stage: spec.stage,
        serviceDir: BENCH_SERVICE_DIR,
        env: { [BENCH_SPEC_ENV]: JSON.stringify(spec) },
      });
      if (pkg.exitCode === 0) template = await pkg.template();
    }, 120_000);

    afterAll(async () => {
      await pkg?.cleanup();
    });

    it('packages one function per memory size, offline, with a template cfn-lint finds no error in', async () => {
      // Assert
      expect(pkg.output).toContain('Service packaged');
      expect(pkg.networkAttempts).toEqual([]);
      expect(template.Resources.M128LambdaFunction?.Properties.MemorySize).toBe(128);
      expect(template.Resources.M1769LambdaFunction?.Properties.MemorySize).toBe(1769);
      const errors = await cfnLintErrors(join(pkg.packageDir, 'cloudformation-template-update-stack.json'));
      if (errors !== undefined) expect(errors).toEqual([]);
    });

    it('gives each function its spec in the environment and write access to the results table', () => {
      // Arrange
      const tableArn = resultsTableArn(spec);

      for (const id of ['M128', 'M1769']) {
        // Act
        const variables = template.Resources[`${id}LambdaFunction`]!.Properties.Environment.Variables;
        const statements = template.Resources[`${id}ExecutionRole`]!.Properties.Policies[0].PolicyDocument
          .Statement as {
          Action: string[];
          Resource: unknown[];
        }[];

        // Assert
        expect(JSON.parse(variables[BENCH_SPEC_ENV])).toEqual(spec);
        expect(statements).toContainEqual({
          Effect: 'Allow',
          Action: expect.arrayContaining(['dynamodb:BatchWriteItem']),
          Resource: [tableArn],
        });
      }
    });

    it('the packaged bundle, run by plain node with the template’s environment, stamps its records', async () => {
      // Arrange: a Kinesis event of two timed bench events for the 128 MB function, and the emulators' endpoint.
      const factory = new KinesisEventFactory({ streamName: spec.streams[128]!.name });
      const payloads = [0, 1].map((i) => ({ ...benchPayload(i), putAtMs: Date.now() }));
      const event = factory.event(payloads.map((json) => ({ partitionKey: json.eventId, json })));
      const environment = {
        ...(template.Resources.M128LambdaFunction!.Properties.Environment.Variables as Record<string, string>),
        AWS_REGION: emulators.region,
        AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb!,
        AWS_ACCESS_KEY_ID: emulators.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emulators.credentials.secretAccessKey,
      };

      // Act
      const invocation = await invokePackagedBundle(join(pkg.packageDir, 'm128.zip'), event, environment);
      const stamps = await readStamps(emulators.clients.dynamodb!, spec.resultsTable, spec.runId);

      // Assert
      expect(invocation.error, invocation.output).toBeUndefined();
      expect(invocation.result, invocation.output).toEqual({ batchItemFailures: [] });
      expect(stamps.map((stamp) => [stamp.memoryMB, stamp.eventId]).sort(), invocation.output).toEqual(
        payloads.map((payload) => [128, payload.eventId]).sort(),
      );
    });
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

  it('deploys and removes the stage with osls in benchmarks/cloud, passing the stage spec', async () => {
    // Arrange
    const calls: { command: string; args: readonly string[]; env: Readonly<Record<string, string>>; cwd: string }[] =
      [];
    const run: CommandRunner = async (command, args, env, cwd) => {
      calls.push({ command, args, env, cwd });
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
    expect(calls.map((c) => c.cwd)).toEqual([BENCH_SERVICE_DIR, BENCH_SERVICE_DIR]);
    expect(existsSync(join(BENCH_SERVICE_DIR, 'serverless.yml'))).toBe(true);
    expect(existsSync(BENCH_CONFIG_MODULE)).toBe(true);
  });
});
