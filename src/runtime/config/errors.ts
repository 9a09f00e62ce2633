import { ConfigError } from '../errors.js';

export { ConfigError, UnknownProcessorError } from '../errors.js';

/**
 * The configuration errors `defineConfig` and `defineProcessor` throw. Each carries `path`, the dotted path of
 * the offending setting (`streams.orders.maxRetries`), so `tsc`, `shardflow validate`, `shardflow dev`, tests
 * and packaging all point at the same place.
 *
 * @example
 * ```ts
 * try {
 *   defineConfig(input);
 * } catch (error) {
 *   if (error instanceof UnknownSettingError) console.error(error.path, error.suggestion); // streams.orders.maxRetires maxRetries
 * }
 * ```
 */

/** A numeric setting outside the range AWS accepts (e.g. `batchSize` 0 or 10001), or a list that is too long. */
export class ConfigRangeError extends ConfigError {}

/** A required setting is missing (e.g. `startingPosition`, which AWS requires for stream sources). */
export class MissingSettingError extends ConfigError {}

/** A setting that cannot work with the others (e.g. `AT_TIMESTAMP` on DynamoDB Streams). */
export class UnsupportedSettingError extends ConfigError {}

/** Two different processors share one name, or more stream functions read one source than AWS allows. */
export class DuplicateNameError extends ConfigError {}

/**
 * A key that is not a setting at that level: a typo (`maxRetires`), AWS's own API name (`BatchSize`), a
 * setting one level off (`bucket` beside `quarantine` instead of in it), `stage` for `stages`.
 *
 * @example
 * ```ts
 * throw new UnknownSettingError('streams.orders.maxRetires', 'is not a setting of a stream', ['maxRetries']);
 * ```
 */
export class UnknownSettingError extends ConfigError {
  /** The setting that was probably meant (`maxRetries`, `quarantine.bucket`), when one is close. */
  readonly suggestion: string | undefined;
  constructor(path: string, message: string, suggestions: readonly string[] = []) {
    const quoted = suggestions.map((name) => `'${name}'`);
    super(path, quoted.length === 0 ? message : `${message}; did you mean ${quoted.join(' or ')}?`);
    this.suggestion = suggestions[0];
  }
}

/**
 * A setting of the wrong JavaScript type: a string where a number or a boolean belongs, one object where a list
 * belongs (`filterPatterns: { … }`), a string where a list of strings belongs (`logging.redact: 'email'`).
 *
 * @example
 * ```ts
 * throw new InvalidSettingTypeError('streams.orders.bisectOnError', 'must be true or false, got the string "true"');
 * ```
 */
export class InvalidSettingTypeError extends ConfigError {}

/**
 * A setting of the right type whose value cannot work: not one of the allowed values (`format: 'JSON'`,
 * `startingPosition: 'EARLIEST'`), a malformed name, ARN or timestamp.
 *
 * @example
 * ```ts
 * throw new InvalidSettingValueError('processors.clicks.format', "must be 'json', 'text' or 'bytes', got \"JSON\"");
 * ```
 */
export class InvalidSettingValueError extends ConfigError {}

/**
 * A value where a processor belongs that `defineProcessor` did not make.
 *
 * @example
 * ```ts
 * throw new InvalidProcessorError('processors[0]', 'is not made by defineProcessor()');
 * ```
 */
export class InvalidProcessorError extends ConfigError {}

/**
 * A route that can never match a record of its stream: an `eventName` or `source` of the other kind of
 * stream, a `stream` name that is not the stream's source.
 *
 * @example
 * ```ts
 * throw new UnreachableRouteError('streams.clicks.routes[0].match.eventName', '"INSERT" is a DynamoDB event name …');
 * ```
 */
export class UnreachableRouteError extends ConfigError {}

/**
 * A route that never runs because an earlier route matches every record it would match (a catch-all, or the
 * same match) — routes are first-match-wins.
 *
 * @example
 * ```ts
 * throw new ShadowedRouteError('streams.orders.routes[1]', 'never runs: routes[0] matches every record first');
 * ```
 */
export class ShadowedRouteError extends ConfigError {}
