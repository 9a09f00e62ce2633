import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningEmulators } from '../../src/local/emulators/index.js';
import { type LocalRun, startLocal } from '../../src/local/esm/local-runner.js';
import { createLogger } from '../../src/runtime/observability/logger.js';
import { BENCH_SPEC_ENV, type BenchCloudSpec, benchStreamKey } from './bench-config.js';
import type { FunctionDeployer } from './target.js';

/** The config module the serverless packaging deploys for a benchmark stage (reads `BENCH_SPEC`). */
export const BENCH_CONFIG_MODULE = fileURLToPath(new URL('./bench.config.ts', import.meta.url));

/** The directory of the benchmark's own serverless.yml, where `osls` runs. */
export const BENCH_SERVICE_DIR = dirname(BENCH_CONFIG_MODULE);

/**
 * Stands in for Lambda on the emulators: runs the stage's config with the local event source mapping
 * against the already created streams (`external` services: the emulators' clients), one mapping and one
 * function per memory size.
 *
 * @example
 * ```ts
 * const deployer = localEsmDeployer(emulators);
 * ```
 */
export function localEsmDeployer(emulators: RunningEmulators): FunctionDeployer {
  let run: LocalRun | undefined;
  return {
    async deploy(config, spec) {
      const streamArns: Record<string, string> = {};
      for (const memoryMB of spec.memorySizes) streamArns[benchStreamKey(memoryMB)] = spec.streams[memoryMB]!.arn;
      run = await startLocal({
        config,
        external: {
          region: emulators.region,
          kinesis: emulators.clients.kinesis!,
          dynamodb: emulators.clients.dynamodb!,
          streamArns,
        },
        logger: createLogger({ level: 'silent' }),
        handlerOptions: () => ({ metrics: false }),
      });
    },
    async remove() {
      await run?.stop();
      run = undefined;
    },
  };
}

/** Runs a command in `cwd` and resolves with its output; rejects on a non-zero exit. Injectable for tests. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
) => Promise<string>;

/**
 * Runs a command with `spawn`, capturing stdout and stderr.
 *
 * @example
 * ```ts
 * await spawnCommand('npx', ['osls', '--version'], {}, process.cwd());
 * ```
 */
export const spawnCommand: CommandRunner = (command, args, env, cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });

/**
 * Deploys through the shardflow Serverless plugin: `npx osls deploy --stage <stage>` in
 * benchmarks/cloud (its serverless.yml names `bench.config.ts`) with `BENCH_SPEC` (JSON) describing the
 * stage — its streams, memory sizes, results table and run id; `npx osls remove --stage <stage>` removes it.
 * The config puts `BENCH_SPEC` into every function's environment (the config module rebuilds the same
 * processors inside Lambda from it) and grants the functions write access to the results table.
 *
 * @example
 * ```ts
 * const deployer = oslsDeployer({ region: 'eu-west-1' });
 * ```
 */
export function oslsDeployer(
  options: { readonly region?: string; readonly run?: CommandRunner } = {},
): FunctionDeployer {
  const run = options.run ?? spawnCommand;
  const env = (spec: BenchCloudSpec): Record<string, string> => ({
    [BENCH_SPEC_ENV]: JSON.stringify(spec),
    ...(options.region ? { AWS_REGION: options.region } : {}),
  });
  const regionArgs = options.region ? ['--region', options.region] : [];
  return {
    async deploy(_config, spec) {
      await run('npx', ['osls', 'deploy', '--stage', spec.stage, ...regionArgs], env(spec), BENCH_SERVICE_DIR);
    },
    async remove(spec) {
      await run('npx', ['osls', 'remove', '--stage', spec.stage, ...regionArgs], env(spec), BENCH_SERVICE_DIR);
    },
  };
}
