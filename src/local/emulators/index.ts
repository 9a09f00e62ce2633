/**
 * Emulators of the local event source mapping: kinesalite (Kinesis), DynamoDB Local (DynamoDB and
 * DynamoDB Streams) and s3rver (S3), their lifecycle, and the creation of a config's resources.
 *
 * @example
 * ```ts
 * import { startEmulators } from './esm/emulators/index.js';
 * const emulators = await startEmulators(config);
 * await emulators.stop();
 * ```
 */
export {
  type CreatedResources,
  type CreatedStream,
  type CreateResourcesOptions,
  createResources,
  type EmulatedService,
  type ResourceClients,
  type ResourceConfig,
  ResourceMismatchError,
  ResourceNotReadyError,
  type SkippedResource,
  servicesNeededBy,
} from './create-resources.js';
export {
  type DynamoDBLocal,
  type DynamoDBLocalOptions,
  DynamoDBLocalStartError,
  JavaNotFoundError,
  localDynamoDBClientConfig,
  startDynamoDBLocal,
} from './dynamodb-local.js';
export {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type EmulatorClients,
  type EmulatorEndpoints,
  type RunningEmulators,
  type StartEmulatorsOptions,
  startEmulators,
} from './emulators.js';
export { findFreePort } from './free-port.js';
export {
  KINESALITE_SHARD_LIMIT,
  type Kinesalite,
  type KinesaliteOptions,
  KinesaliteStartError,
  localKinesisClientConfig,
  startKinesalite,
} from './kinesalite.js';
export { localS3ClientConfig, type S3Local, type S3LocalOptions, startS3Local } from './s3-local.js';
