import { relative, sep } from 'node:path';

/**
 * A path as shown to the user: relative to the working directory when inside it, absolute otherwise.
 *
 * @example
 * ```ts
 * shownPath(`${process.cwd()}/.shardflow/data`); // '.shardflow/data'
 * ```
 */
export function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) ? inside : path;
}
