import { resolve } from 'node:path';
import { loadConfig } from '../cli/load-config.js';
import { type DeployPlan, planDeployment } from './deploy-plan.js';
import { type PackagedFunction, packageFunctions } from './package-functions.js';
import { buildServerlessSections, type ServerlessSections } from './serverless-template.js';

export { describeDeployError } from './describe-error.js';
export { formatArtifactSizes } from './package-functions.js';

/** Which config, which stage, from where: what every serverless hook is asked. */
export interface ServerlessRequest {
  /** The config file, relative to `serviceDir` (or absolute). */
  readonly configFile: string;
  readonly stage: string;
  readonly serviceDir: string;
}

/** A config resolved for one stage, and what shardflow adds to the user's `serverless.yml` for it. */
export interface PreparedDeployment {
  readonly configFile: string;
  readonly plan: DeployPlan;
  readonly sections: ServerlessSections;
}

const prepared = new Map<string, Promise<PreparedDeployment>>();

/**
 * Loads the config and resolves it for the stage, once per process (the plugin adds the functions and
 * resources, then packages, from the same plan).
 *
 * @example
 * ```ts
 * const { plan, sections } = await prepareDeployment({ configFile: 'shardflow.config.ts', stage: 'dev', serviceDir: process.cwd() });
 * ```
 */
export function prepareDeployment(request: ServerlessRequest): Promise<PreparedDeployment> {
  const configFile = resolve(request.serviceDir, request.configFile);
  const key = `${configFile}\0${request.stage}`;
  let entry = prepared.get(key);
  if (entry === undefined) {
    entry = (async () => {
      const config = await loadConfig(configFile);
      const plan = planDeployment(config, request.stage);
      return { configFile, plan, sections: buildServerlessSections(plan) };
    })();
    prepared.set(key, entry);
  }
  return entry;
}

/** The packaged functions of a stage, and the plan's warnings. */
export interface ServerlessPackageResult {
  readonly artifacts: readonly PackagedFunction[];
  readonly warnings: readonly string[];
}

/**
 * Bundles and zips the stage's stream functions (all, or `streams`) into `outDir`, each for its own runtime;
 * `keepBundles` also leaves each unzipped bundle in `<outDir>/<stream>/`.
 *
 * @example
 * ```ts
 * const { artifacts } = await packageServerlessFunctions({ ...request, outDir: '.serverless' });
 * ```
 */
export async function packageServerlessFunctions(
  request: ServerlessRequest & {
    readonly outDir: string;
    readonly streams?: readonly string[] | undefined;
    readonly keepBundles?: boolean;
  },
): Promise<ServerlessPackageResult> {
  const { configFile, plan } = await prepareDeployment(request);
  const artifacts = await packageFunctions({
    plan,
    configFile,
    serviceDir: request.serviceDir,
    outDir: request.outDir,
    streams: request.streams,
    keepBundles: request.keepBundles ?? false,
  });
  return { artifacts, warnings: plan.warnings };
}
