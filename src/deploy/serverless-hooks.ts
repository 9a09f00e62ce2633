import { resolve } from 'node:path';
import { loadConfig } from '../cli/load-config.js';
import { type DeployPlan, planDeployment } from './deploy-plan.js';
import { type PackagedFunction, packageFunctions } from './package-functions.js';

export { describeDeployError } from './describe-error.js';
export { formatArtifactSizes } from './package-functions.js';

import { buildServerlessSections, type ServerlessSections } from './serverless-template.js';

/** Which config, which stage, from where: what every serverless hook is asked. */
export interface ServerlessRequest {
  /** The config file, relative to `serviceDir` (or absolute). */
  readonly configFile: string;
  readonly stage: string;
  readonly serviceDir: string;
}

/** The sections of `serverless.yml` that `${file(…/serverless-resolver.cjs):<section>}` resolves. */
export type ServerlessSectionName = keyof ServerlessSections;

interface Prepared {
  readonly configFile: string;
  readonly plan: DeployPlan;
  readonly sections: ServerlessSections;
}

const prepared = new Map<string, Promise<Prepared>>();

/**
 * Loads the config and resolves it for the stage, once per process (the framework resolves several
 * sections, and the plugin packages, from the same plan).
 *
 * @example
 * ```ts
 * const { plan } = await prepareDeployment({ configFile: 'shardflow.config.ts', stage: 'dev', serviceDir: process.cwd() });
 * ```
 */
export function prepareDeployment(request: ServerlessRequest): Promise<Prepared> {
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

/**
 * One generated section of `serverless.yml`: `service`, `functions`, `resources` or `logRetentionInDays`.
 *
 * @example
 * ```ts
 * await resolveServerlessSection('service', request); // 'shop-analytics'
 * ```
 */
export async function resolveServerlessSection(
  section: ServerlessSectionName,
  request: ServerlessRequest,
): Promise<unknown> {
  const { sections } = await prepareDeployment(request);
  return sections[section];
}

/** The packaged functions of a stage, and the plan's warnings. */
export interface ServerlessPackageResult {
  readonly artifacts: readonly PackagedFunction[];
  readonly warnings: readonly string[];
}

/**
 * Bundles and zips every function of the stage into `outDir` (the framework's package directory), for the
 * provider's runtime.
 *
 * @example
 * ```ts
 * const { artifacts } = await packageServerlessFunctions({ ...request, outDir: '.serverless' });
 * ```
 */
export async function packageServerlessFunctions(
  request: ServerlessRequest & { readonly outDir: string; readonly runtime?: string | undefined },
): Promise<ServerlessPackageResult> {
  const { configFile, plan } = await prepareDeployment(request);
  const artifacts = await packageFunctions({
    plan,
    configFile,
    serviceDir: request.serviceDir,
    outDir: request.outDir,
    runtime: request.runtime,
  });
  return { artifacts, warnings: plan.warnings };
}
