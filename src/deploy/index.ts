/**
 * shardflow/deploy — deploy tooling: resolve a config for a stage into a deploy plan (function names, event
 * source mapping settings, runtimes, resources, alarms), check it (runtime policy, no silent loss), turn it into
 * the resources the Serverless plugin (`shardflow/serverless`) and the CDK construct (`shardflow/cdk`) add, and
 * bundle and zip each stream's function. Runs in Node.js on the developer's machine or in CI, never in a Lambda
 * bundle.
 *
 * Its declarations use Node's types (paths, `node:` modules): a TypeScript project that imports
 * `shardflow/deploy` needs `@types/node` (`"types": ["node"]`). The runtime entry `shardflow` does not.
 *
 * @example
 * ```ts
 * import { describePlan, planDeployment } from 'shardflow/deploy';
 * import config from './shardflow.config.js';
 *
 * const plan = planDeployment(config, 'prod');
 * for (const line of describePlan(plan)) console.log(line);
 * ```
 * @packageDocumentation
 */
export { type BundleFunctionOptions, type BundleSummary, bundleFunction } from './bundle-function.js';
export type { CfnOutput, CfnResource, CfnValue } from './cfn.js';
export { checkProcessors } from './check-processors.js';
export type { DeployableConfigInput, DeployConfigSections, DeploySourceSettings } from './deploy-config.js';
export { type DeployPlan, type PlanOptions, planDeployment, type StreamDeployPlan } from './deploy-plan.js';
export { describeDeployError } from './describe-error.js';
export { describePlan } from './describe-plan.js';
export {
  BundleError,
  InvalidProcessorError,
  InvalidResourceNameError,
  RuntimeBlockedError,
  SilentDiscardError,
  UnknownRuntimeError,
} from './errors.js';
export { type EventSourceMappingTargets, eventSourceMappingProperties } from './event-source-mapping.js';
export {
  checkLambdaRuntime,
  LAMBDA_NODE_RUNTIMES,
  type LambdaRuntimeDates,
  newestRuntime,
  RUNTIME_WARNING_DAYS,
} from './lambda-runtimes.js';
export {
  formatArtifactSizes,
  type PackagedFunction,
  type PackageFunctionsOptions,
  packageFunctions,
} from './package-functions.js';
export {
  buildServerlessSections,
  type ServerlessFunctionDefinition,
  type ServerlessSections,
} from './serverless-template.js';
