import { basename } from 'node:path';
import { CliUsageError } from '../errors.js';

/**
 * A service name that works everywhere the scaffold writes it: an npm package name, the config's `service`
 * and the Serverless service (lowercase letters, digits and dashes, starting with a letter, at most 40).
 */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The name of a new service: `name` when given, else derived from the directory's name (lowercased, other
 * characters turned into dashes).
 *
 * @throws {CliUsageError} when `name` is not a valid service name, or none can be derived from the directory
 *
 * @example
 * ```ts
 * serviceNameFor('/work/My Orders'); // 'my-orders'
 * serviceNameFor('/work/x', 'orders-service'); // 'orders-service'
 * ```
 */
export function serviceNameFor(dir: string, name?: string): string {
  if (name !== undefined) {
    if (!SERVICE_NAME.test(name)) {
      throw new CliUsageError(
        `--name '${name}' is not a service name: lowercase letters, digits and dashes, starting with a letter (≤ 40)`,
      );
    }
    return name;
  }
  const derived = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  if (!SERVICE_NAME.test(derived)) {
    throw new CliUsageError(`cannot make a service name of the directory name '${basename(dir)}': pass --name <name>`);
  }
  return derived;
}
