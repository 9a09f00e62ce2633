import type { ProducedLoad } from '../e2e/producer.js';
import type { Progress } from '../lib/progress.js';
import type { BenchTarget, CloudBenchTarget, CloudDeployment, CloudFigures } from './target.js';

/** Options of {@link runCloud}. */
export interface CloudOptions {
  readonly target: CloudBenchTarget;
  readonly stage: string;
  readonly memorySizes: readonly number[];
  /** Records/s offered to each function's stream. */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Keep the stage (functions, streams, results table) after the run. */
  readonly keep: boolean;
  /** How long to wait for every record to be stamped after the load ends. Default 120 s. */
  readonly drainTimeoutMs?: number;
  readonly progress: Progress;
}

/** What the cloud benchmark measured. */
export interface CloudReport {
  readonly target: BenchTarget['kind'];
  readonly deployment: CloudDeployment;
  readonly rate: number;
  readonly durationSeconds: number;
  readonly produced: readonly ProducedLoad[];
  readonly functions: readonly CloudFigures[];
  /** `false` when `keep` was set (or removal failed: see `removeError`). */
  readonly removed: boolean;
  readonly removeError?: string;
  readonly includes: string;
}

/**
 * Cloud mode: deploys one function per memory size on the target, offers `rate` records/s to each for
 * `durationSeconds`, waits until every record is stamped in the results table, computes duration,
 * iterator age, end-to-end latency and cost per function, then removes the stage unless `keep`.
 *
 * @example
 * ```ts
 * const report = await runCloud({ target: awsTarget(), stage: 'bench', memorySizes: [128, 1769], rate: 200,
 *   durationSeconds: 60, keep: false, progress: createProgress() });
 * ```
 */
export async function runCloud(options: CloudOptions): Promise<CloudReport> {
  const task = options.progress.task('cloud', 4);
  const { target } = options;
  let measured: Omit<CloudReport, 'removed' | 'removeError'> | undefined;
  let removed = false;
  let removeError: string | undefined;
  try {
    // Inside the try: a deploy that fails half-way leaves streams and a table that the finally removes.
    const deployment = await target.deploy(options.stage, options.memorySizes);
    task.tick(`deployed ${options.memorySizes.length} functions (${target.kind})`);
    const produced = await target.putRecords(options.rate, options.durationSeconds);
    task.tick(`offered ${options.rate} records/s for ${options.durationSeconds} s`);
    const expected = Math.min(...produced.map((load) => load.records));
    const functions = await target.collectWhenDone(expected, options.drainTimeoutMs ?? 120_000);
    task.tick('collected');
    measured = {
      target: target.kind,
      deployment,
      rate: options.rate,
      durationSeconds: options.durationSeconds,
      produced,
      functions,
      includes:
        target.kind === 'aws'
          ? 'Real AWS: PutRecords from this machine, Lambda event source mappings, the deployed functions; stamps written to DynamoDB by the processors (their write time is part of the duration).'
          : 'Emulated: kinesalite streams, the local ESM standing in for Lambda (in this process), stamps written to DynamoDB Local by the processors (part of the duration). Memory sizes are labels here: no CPU share is applied.',
    };
  } finally {
    if (!options.keep) {
      try {
        await target.remove();
        removed = true;
      } catch (error) {
        removeError = error instanceof Error ? error.message : String(error);
      }
    }
  }
  task.tick(options.keep ? 'kept the stage' : 'removed the stage');
  task.done();
  return { ...measured, removed, ...(removeError === undefined ? {} : { removeError }) };
}
