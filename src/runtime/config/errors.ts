import { ConfigError } from '../errors.js';

export { ConfigError, UnknownProcessorError } from '../errors.js';

/** A numeric setting outside the range AWS accepts (e.g. `batchSize` 0 or 10001). */
export class ConfigRangeError extends ConfigError {}

/** A required setting is missing (e.g. `startingPosition`, which AWS requires for stream sources). */
export class MissingSettingError extends ConfigError {}

/** A setting that the source does not support (e.g. `AT_TIMESTAMP` on DynamoDB Streams). */
export class UnsupportedSettingError extends ConfigError {}

/** Two different processors share one name, or two streams share one source. */
export class DuplicateNameError extends ConfigError {}
