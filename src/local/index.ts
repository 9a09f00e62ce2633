/**
 * shardflow/local — the local event source mapping and its emulators: run a config's streams on
 * kinesalite, DynamoDB Local and s3rver (or on endpoints you give) with AWS's batching, retry, bisect,
 * record-age, filter, window and destination behaviour. Never imported by a Lambda bundle.
 *
 * Its declarations use Node's types (child processes, streams, `node:` modules) and the AWS SDK's: a
 * TypeScript project that imports `shardflow/local` needs `@types/node` (`"types": ["node"]`). The runtime
 * entry `shardflow` does not.
 *
 * @example
 * ```ts
 * import { startEmulators, startLocal } from 'shardflow/local';
 * import config from './shardflow.config.js';
 *
 * const emulators = await startEmulators(config);
 * const run = await startLocal({ config, emulators });
 * await run.stop();
 * await emulators.stop();
 * ```
 * @packageDocumentation
 */
export {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type EmulatorEndpoints,
  JavaNotFoundError,
  type RunningEmulators,
  type StartEmulatorsOptions,
  startEmulators,
} from './emulators/index.js';
export type { EsmStatus, LocalEventSourceMapping } from './esm/event-source-mapping.js';
export { type AggregatedRecordFields, aggregateUserRecords, type UserRecord } from './esm/kpl-aggregate.js';
export {
  AwsConnectionBlockedError,
  type LocalAws,
  type LocalAwsOptions,
  NO_LOCAL_SERVICE_CODE,
  startLocalAws,
} from './esm/local-aws/index.js';
export {
  type LocalAwsTarget,
  type LocalRun,
  type LocalRunOptions,
  type LocalStandIn,
  startLocal,
} from './esm/local-runner.js';
export type { OnFailureRecord } from './esm/ports.js';
export { type EsmSettings, resolveEsmSettings } from './esm/settings.js';
export { MissingToolError } from './missing-tool.js';
