import { ConfigError } from '../errors.js';

/**
 * A name AWS would reject once the stage is applied: an S3 bucket name with capitals, a Lambda function
 * name over 64 characters, a stage name that cannot be part of resource names, two streams whose
 * CloudFormation logical IDs collide. `path` points at the setting to change.
 *
 * @example
 * ```ts
 * throw new InvalidResourceNameError('streams.orders.onFailure.bucket', "'Orders-Failures-dev' is not an S3 bucket name");
 * ```
 */
export class InvalidResourceNameError extends ConfigError {}
