import type { Command } from 'commander';
import { planDeployment } from '../../deploy/deploy-plan.js';
import { describeDeployError } from '../../deploy/describe-error.js';
import { describePlan } from '../../deploy/describe-plan.js';
import { missingToolOf } from '../../local/missing-tool.js';
import { DEPLOY_DEFAULTS } from '../../runtime/stages/constants.js';
import { stagesOf } from '../../runtime/stages/stage-overrides.js';
import { CliDefaults } from '../constants.js';
import { ExitCode } from '../errors.js';
import { loadConfig } from '../load-config.js';

/** Options of `shardflow validate`. */
export interface ValidateOptions {
  /** The config file. Default `shardflow.config.ts`. */
  readonly config?: string;
  /** The stage to check; default: every stage the config lists, and `dev`. */
  readonly stage?: string;
}

/** Where `shardflow validate` writes. */
export interface ValidateOutput {
  log(line: string): void;
  error(line: string): void;
}

/**
 * Runs `shardflow validate`: loads the config (which runs `defineConfig`'s validation: AWS's ranges,
 * unknown or duplicate processors, patterns), checks the processors and schemas it names, and resolves the
 * deploy of each stage (stage overrides, resource names, sources). Prints what each stage deploys, or the
 * first error with its name and the offending path.
 *
 * @returns the exit code: 0 when valid, 1 otherwise
 * @throws {MissingToolError} when loading the config needs a tool that is not installed (tsx)
 *
 * @example
 * ```ts
 * const code = await runValidate({ config: 'shardflow.config.ts', stage: 'prod' });
 * ```
 */
export async function runValidate(options: ValidateOptions = {}, output: ValidateOutput = console): Promise<number> {
  const file = options.config ?? CliDefaults.configFile;
  try {
    const config = await loadConfig(file);
    const stages =
      options.stage === undefined
        ? [...new Set([...Object.keys(stagesOf(config)), DEPLOY_DEFAULTS.stage])]
        : [options.stage];
    const plans = stages.map((stage) => planDeployment(config, stage));
    output.log(
      `✓ ${file} is valid: service ${config.service}, ${Object.keys(config.streams).length} stream(s), ${config.processorsByName.size} processor(s)`,
    );
    for (const plan of plans) for (const line of describePlan(plan)) output.log(line);
    return ExitCode.ok;
  } catch (error) {
    // Not a problem of the config: the CLI reports it (one line, exit code 2).
    if (missingToolOf(error) !== undefined) throw error;
    output.error(`✗ ${describeDeployError(error)}`);
    return ExitCode.failure;
  }
}

/**
 * Adds `shardflow validate [--config <file>] [--stage <stage>]` to the CLI. Exits 1 when the config is invalid.
 *
 * @example
 * ```ts
 * const program = new Command('shardflow');
 * registerValidate(program);
 * await program.parseAsync(process.argv);
 * ```
 */
export function registerValidate(program: Command): Command {
  return program
    .command('validate')
    .description("check the config against AWS's ranges, the processors and schemas it names, and each stage's deploy")
    .option('--config <file>', 'shardflow config', CliDefaults.configFile)
    .option('--stage <stage>', 'check this stage only (default: every stage in the config, and dev)')
    .action(async (options: ValidateOptions) => {
      process.exitCode = await runValidate(options);
    });
}
