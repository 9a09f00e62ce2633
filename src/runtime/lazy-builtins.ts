/**
 * Node built-in modules the runtime needs only on rare paths (a KPL aggregate's digest, a redacted binary
 * value), loaded on first use instead of at import: a function's cold start pays for what its batches use.
 * Measured on the project machine (Node 20.20): a fresh `import('node:crypto')` takes 3.6 ms against 1.1 ms
 * for an already-loaded built-in (`node:path`), so about 2.5 ms of a one-processor handler's ~40 ms import.
 */

type NodeCrypto = typeof import('node:crypto');

let crypto: NodeCrypto | undefined;

/**
 * `node:crypto`, loaded synchronously on first call (`process.getBuiltinModule`, Node ≥ 20.16).
 *
 * @example
 * ```ts
 * const digest = nodeCrypto().createHash('md5').update(bytes).digest();
 * ```
 */
export function nodeCrypto(): NodeCrypto {
  crypto ??= process.getBuiltinModule('node:crypto');
  return crypto;
}
