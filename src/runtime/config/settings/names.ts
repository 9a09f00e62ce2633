import { InvalidResourceNameError } from '../../stages/errors.js';
import { InvalidSettingValueError } from '../errors.js';
import { string } from '../schema/nodes.js';

/**
 * Name rules of the config: service, stream and resource names (they become stack, function and resource
 * names), processor names, environment variable names, Lambda runtimes, log levels.
 *
 * @example
 * ```ts
 * checkName('streams.orders', 'orders'); // ok
 * ```
 */

/** Service, stream and resource names: part of stack, function and resource names. */
export const NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
const NAME_RULE = 'a name of letters, digits and dashes starting with a letter (≤ 40)';

/** Processor names: letters, digits, `.`, `_`, `-`; never `$` (the quarantine's idempotency namespace). */
export const PROCESSOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A valid environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables Lambda reserves or shardflow sets itself. */
export const RESERVED_ENV = /^(AWS_|LAMBDA_|_HANDLER$|_X_AMZN_TRACE_ID$|TZ$|NODE_OPTIONS$|SHARDFLOW_STAGE$)/;

/** A Lambda Node.js runtime identifier; which ones AWS still accepts is checked by the deploy (`lambda-runtimes.ts`). */
export const NODE_RUNTIME = /^nodejs\d+\.x$/;

/** The levels `createLogger` accepts (in any letter case). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * Checks a service, stream or resource name.
 *
 * @throws {InvalidResourceNameError} otherwise
 *
 * @example
 * ```ts
 * checkName('orders', 'streams.orders');
 * ```
 */
export function checkName(name: string, path: string): void {
  if (!NAME.test(name)) throw new InvalidResourceNameError(path, `must be ${NAME_RULE}, got ${JSON.stringify(name)}`);
}

/**
 * Checks an environment variable name a function may set.
 *
 * @throws {InvalidSettingValueError} for a malformed name or one Lambda reserves
 *
 * @example
 * ```ts
 * checkEnvName('SHOP_LAKE_BUCKET', 'resources.lake.env');
 * ```
 */
export function checkEnvName(name: string, path: string): void {
  if (!ENV_NAME.test(name) || RESERVED_ENV.test(name)) {
    throw new InvalidSettingValueError(
      path,
      `must be an environment variable name Lambda does not reserve, got ${JSON.stringify(name)}`,
    );
  }
}

/** A service, stream or resource name (see {@link checkName}). */
export const nameNode = () =>
  string({ pattern: NAME, rule: NAME_RULE, patternError: InvalidResourceNameError, nonEmpty: true });

/** A Lambda Node.js runtime such as `nodejs24.x`. */
export const runtimeNode = () =>
  string({ pattern: NODE_RUNTIME, rule: "a Lambda Node.js runtime such as 'nodejs24.x'" });

/** An environment variable name a function may set. */
export const envNameNode = () =>
  string({ rule: 'an environment variable name Lambda does not reserve', validate: checkEnvName });
