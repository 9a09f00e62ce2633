import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { ShardflowConfig } from '../../src/runtime/config/types.js';
import { type ProducedLoad, produceAtRate, shardKeys } from '../e2e/producer.js';
import { LatencyHistogram, type LatencySummary } from '../lib/latency-histogram.js';
import { round } from '../lib/markdown.js';
import { type Architecture, costPerMillionRecords } from '../lib/pricing.js';
import { type BenchCloudSpec, benchCloudConfig } from './bench-config.js';
import { deleteResultsTable, ensureResultsTable, readStamps, type Stamp } from './results-table.js';

/**
 * A place the cloud benchmark runs: AWS (the serverless packaging deploys the functions) or the
 * emulators (kinesalite + DynamoDB Local, the local ESM standing in for Lambda). Everything but the
 * deployer is the same code for both.
 */
export interface BenchTarget {
  readonly kind: 'aws' | 'emulated';
  /** Creates one stream per memory size and the results table, then deploys one function per size. */
  deploy(stage: string, memorySizes: readonly number[]): Promise<CloudDeployment>;
  /** The stream that feeds the function of `memoryMB`. */
  streamArn(memoryMB: number): string;
  /** Offers `rate` records/s to every function's stream for `durationSeconds` (concurrently). */
  putRecords(rate: number, durationSeconds: number): Promise<ProducedLoad[]>;
  /** Reads the results table and computes the figures per function. */
  collect(): Promise<CloudFigures[]>;
  /** Removes whatever `deploy` created — the functions, the streams, the results table — also after a failed deploy. */
  remove(): Promise<void>;
}

/** What {@link BenchTarget.deploy} made. */
export interface CloudDeployment {
  readonly stage: string;
  readonly runId: string;
  readonly resultsTable: string;
  readonly functions: readonly { readonly memoryMB: number; readonly streamName: string; readonly streamArn: string }[];
}

/** Deploys and removes the benchmark's functions: the only part that differs between AWS and the emulators. */
export interface FunctionDeployer {
  deploy(config: ShardflowConfig, spec: BenchCloudSpec): Promise<void>;
  remove(spec: BenchCloudSpec): Promise<void>;
}

/** Measured figures of one memory size's function. */
export interface CloudFigures {
  readonly memoryMB: number;
  readonly records: number;
  readonly invocations: number;
  readonly recordsPerInvocation: number;
  /** Invocation duration: last completion minus invocation start, per invocation. */
  readonly durationMs: LatencySummary;
  /** Lambda's IteratorAge: invocation start minus the arrival of the batch's last record. */
  readonly iteratorAgeMs: LatencySummary;
  /** Put (producer clock) → processed (processor clock). */
  readonly latencyMs: LatencySummary;
  /** USD per million records from the measured invocations (each rounded up to 1 ms). */
  readonly costPerMillionRecords: Readonly<Record<Architecture, number>>;
}

/** Clients and settings shared by every target. */
export interface CloudTargetOptions {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  /** Clients the deployed functions' processors use (in AWS: `new DynamoDBClient({})` inside Lambda). */
  readonly functionDynamoDB?: DynamoDBClient;
  readonly service?: string;
  readonly shardsPerStream?: number;
  readonly batchSize?: number;
  readonly batchWindowSeconds?: number;
  readonly timeoutSeconds?: number;
}

async function waitForStream(client: KinesisClient, name: string): Promise<string> {
  for (let attempt = 0; attempt < 240; attempt++) {
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN) return summary.StreamARN;
    await sleep(500);
  }
  throw new Error(`stream ${name} is not ACTIVE after 120 s`);
}

function figuresOf(memoryMB: number, stamps: readonly Stamp[]): CloudFigures {
  const latency = new LatencyHistogram();
  const byInvocation = new Map<string, Stamp[]>();
  for (const stamp of stamps) {
    latency.record(stamp.completedMs - stamp.putAtMs);
    const list = byInvocation.get(stamp.requestId) ?? [];
    list.push(stamp);
    byInvocation.set(stamp.requestId, list);
  }
  const duration = new LatencyHistogram();
  const iteratorAge = new LatencyHistogram();
  let gbSeconds = 0;
  for (const list of byInvocation.values()) {
    const start = Math.min(...list.map((s) => s.invokeStartMs));
    const end = Math.max(...list.map((s) => s.completedMs));
    const last = list.reduce((a, b) => (BigInt(b.sequenceNumber || '0') > BigInt(a.sequenceNumber || '0') ? b : a));
    duration.record(end - start);
    iteratorAge.record(start - last.arrivalMs);
    gbSeconds += (memoryMB / 1024) * (Math.max(1, Math.ceil(end - start)) / 1000);
  }
  const invocations = byInvocation.size;
  const records = stamps.length;
  const cost = (architecture: Architecture) =>
    records === 0
      ? 0
      : round(
          costPerMillionRecords({
            memoryMB,
            billedMs: invocations === 0 ? 0 : (gbSeconds / invocations / (memoryMB / 1024)) * 1000,
            batchSize: records / (invocations || 1),
            architecture,
          }),
          4,
        );
  return {
    memoryMB,
    records,
    invocations,
    recordsPerInvocation: round(records / (invocations || 1), 4),
    durationMs: duration.summary(),
    iteratorAgeMs: iteratorAge.summary(),
    latencyMs: latency.summary(),
    costPerMillionRecords: { x86: cost('x86'), arm64: cost('arm64') },
  };
}

/**
 * The cloud benchmark's driver over any {@link FunctionDeployer}: creates the streams and the results
 * table through the Kinesis and DynamoDB APIs, builds the stage's shardflow config, has the deployer
 * deploy it, offers load with PutRecords and computes every figure from the stamps in the results table.
 *
 * @example
 * ```ts
 * const target = new CloudBenchTarget('emulated', { kinesis, dynamodb }, localEsmDeployer(emulators));
 * await target.deploy('bench', [128, 1769]);
 * await target.putRecords(100, 5);
 * const figures = await target.collect();
 * await target.remove();
 * ```
 */
export class CloudBenchTarget implements BenchTarget {
  readonly kind: BenchTarget['kind'];
  readonly #options: CloudTargetOptions;
  readonly #deployer: FunctionDeployer;
  #spec: BenchCloudSpec | undefined;
  /** What `deploy` has started to create, so that `remove` can tear it down even when `deploy` failed. */
  #created: { streams: string[]; resultsTable?: string; deployer?: BenchCloudSpec } = { streams: [] };
  #sent = 0;

  constructor(kind: BenchTarget['kind'], options: CloudTargetOptions, deployer: FunctionDeployer) {
    this.kind = kind;
    this.#options = options;
    this.#deployer = deployer;
  }

  get spec(): BenchCloudSpec {
    if (this.#spec === undefined) throw new Error('deploy() first');
    return this.#spec;
  }

  async deploy(stage: string, memorySizes: readonly number[]): Promise<CloudDeployment> {
    const { kinesis, dynamodb } = this.#options;
    const service = this.#options.service ?? 'shardflow-bench';
    const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const resultsTable = `${service}-${stage}-results`;
    const names = memorySizes.map((memoryMB) => `${service}-${stage}-m${memoryMB}`);
    this.#created = { streams: names, resultsTable };
    await ensureResultsTable(dynamodb, resultsTable);
    await Promise.all(
      names.map((name) =>
        kinesis
          .send(new CreateStreamCommand({ StreamName: name, ShardCount: this.#options.shardsPerStream ?? 1 }))
          .catch((error: unknown) => {
            if (!(error instanceof ResourceInUseException)) throw error;
          }),
      ),
    );
    const arns = await Promise.all(names.map((name) => waitForStream(kinesis, name)));
    const streams: Record<number, { name: string; arn: string }> = {};
    memorySizes.forEach((memoryMB, i) => {
      streams[memoryMB] = { name: names[i]!, arn: arns[i]! };
    });
    const spec: BenchCloudSpec = {
      service,
      stage,
      runId,
      memorySizes,
      streams,
      resultsTable,
      batchSize: this.#options.batchSize ?? 100,
      batchWindowSeconds: this.#options.batchWindowSeconds ?? 0,
      timeoutSeconds: this.#options.timeoutSeconds ?? 60,
    };
    this.#spec = spec;
    this.#created.deployer = spec;
    await this.#deployer.deploy(benchCloudConfig(spec, this.#options.functionDynamoDB ?? dynamodb), spec);
    return {
      stage,
      runId,
      resultsTable,
      functions: memorySizes.map((memoryMB) => ({
        memoryMB,
        streamName: streams[memoryMB]!.name,
        streamArn: streams[memoryMB]!.arn,
      })),
    };
  }

  streamArn(memoryMB: number): string {
    const stream = this.spec.streams[memoryMB];
    if (stream === undefined) throw new Error(`no function of ${memoryMB} MB in this stage`);
    return stream.arn;
  }

  async putRecords(rate: number, durationSeconds: number): Promise<ProducedLoad[]> {
    const spec = this.spec;
    const firstIndex = this.#sent;
    const loads = await Promise.all(
      spec.memorySizes.map(async (memoryMB) => {
        const name = spec.streams[memoryMB]!.name;
        const keys = await shardKeys(this.#options.kinesis, name, 25);
        return produceAtRate(this.#options.kinesis, name, keys, {
          ratePerSecond: rate,
          durationMs: durationSeconds * 1000,
          firstIndex,
        });
      }),
    );
    this.#sent += Math.max(0, ...loads.map((load) => load.records));
    return loads;
  }

  /** Waits until every function has stamped `expected` records (or the timeout passes), then collects. */
  async collectWhenDone(expected: number, timeoutMs: number): Promise<CloudFigures[]> {
    const started = Date.now();
    for (;;) {
      const figures = await this.collect();
      if (figures.every((f) => f.records >= expected) || Date.now() - started > timeoutMs) return figures;
      await sleep(1000);
    }
  }

  async collect(): Promise<CloudFigures[]> {
    const spec = this.spec;
    const stamps = await readStamps(this.#options.dynamodb, spec.resultsTable, spec.runId);
    return spec.memorySizes.map((memoryMB) =>
      figuresOf(
        memoryMB,
        stamps.filter((stamp) => stamp.memoryMB === memoryMB),
      ),
    );
  }

  async remove(): Promise<void> {
    const created = this.#created;
    const failures: unknown[] = [];
    // The deployer first (its functions read the streams), then the streams and the table; each step runs
    // even when an earlier one failed, and the first failure is reported at the end.
    if (created.deployer !== undefined) await this.#deployer.remove(created.deployer).catch((e) => failures.push(e));
    await Promise.all(
      created.streams.map((name) =>
        this.#options.kinesis.send(new DeleteStreamCommand({ StreamName: name })).catch((error: unknown) => {
          if (!(error instanceof ResourceNotFoundException)) failures.push(error);
        }),
      ),
    );
    if (created.resultsTable !== undefined) {
      await deleteResultsTable(this.#options.dynamodb, created.resultsTable).catch((e) => failures.push(e));
    }
    this.#created = { streams: [] };
    if (failures.length > 0) throw failures[0];
  }
}
