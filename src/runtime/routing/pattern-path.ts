const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Appends an object key to a dotted error path: `a.b` for plain keys, `a["odd key"]` otherwise.
 *
 * @example
 * ```ts
 * keyPath('pattern', 'detail-type'); // 'pattern.detail-type'
 * keyPath('pattern', 'a.b'); // 'pattern["a.b"]'
 * ```
 */
export function keyPath(parent: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Appends an array index to an error path.
 *
 * @example
 * ```ts
 * indexPath('pattern.status', 0); // 'pattern.status[0]'
 * ```
 */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
