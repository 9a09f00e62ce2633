/**
 * `shardflow/deploy`: the deploy model behind the Serverless plugin (`shardflow/serverless`) and the CDK
 * construct (`shardflow/cdk`) — a config resolved for a stage, the CloudFormation it becomes, the Lambda
 * runtime policy, and the errors that stop a deploy before AWS would.
 *
 * @example
 * ```ts
 * import { planDeployment, buildServerlessSections } from 'shardflow/deploy';
 * const plan = planDeployment(config, 'prod');
 * Object.keys(buildServerlessSections(plan).functions); // ['orders', 'clicks']
 * ```
 */
export type { DeployableConfigInput } from './deploy-config.js';
export { type DeployPlan, type PlanOptions, planDeployment, type StreamDeployPlan } from './deploy-plan.js';
export { describeDeployError } from './describe-error.js';
export { describePlan } from './describe-plan.js';
export {
  BundleError,
  InvalidProcessorError,
  RuntimeBlockedError,
  SilentDiscardError,
  UnknownRuntimeError,
} from './errors.js';
export { eventSourceMappingProperties } from './event-source-mapping.js';
export {
  checkLambdaRuntime,
  LAMBDA_NODE_RUNTIMES,
  type LambdaRuntimeDates,
  newestRuntime,
  RUNTIME_WARNING_DAYS,
} from './lambda-runtimes.js';
export { type PackagedFunction, packageFunctions } from './package-functions.js';
export { buildServerlessSections, type ServerlessSections } from './serverless-template.js';
