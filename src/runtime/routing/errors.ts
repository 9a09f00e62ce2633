import { ConfigError } from '../errors.js';

/**
 * An event pattern (AWS event-filter syntax) that cannot be compiled: a leaf that is not an array, an
 * unknown operator, a malformed `numeric` list, an empty array or object, more filters than Lambda allows…
 * Thrown when the pattern is compiled, never per record. `path` points into the pattern, e.g.
 * `match.payload.order.quantity[0].numeric`.
 *
 * @example
 * ```ts
 * try {
 *   compilePattern({ status: 'PAID' } as never);
 * } catch (error) {
 *   if (error instanceof InvalidPatternError) console.error(error.path); // "pattern.status"
 * }
 * ```
 */
export class InvalidPatternError extends ConfigError {}

/**
 * A route `match` block that cannot work: an unknown field, a `source` other than `kinesis`/`dynamodb`,
 * an empty `stream` list, an `eventName` that the route's source never emits, a `predicate` that is not
 * a function…
 *
 * @example
 * ```ts
 * compileRouteMatch({ source: 'kinesis', eventName: 'INSERT' }); // throws InvalidRouteMatchError at "match.eventName"
 * ```
 */
export class InvalidRouteMatchError extends ConfigError {}
