import { createHash } from 'node:crypto';

/**
 * A stable UUID for a stream's event source mapping (name-based, SHA-1, RFC 4122 version 5 layout), so
 * checkpoints and on-failure object keys (`aws/lambda/<uuid>/…`) survive restarts.
 *
 * @example
 * ```ts
 * mappingUuid('shop-analytics', 'orders'); // 'f3c2…-…' — the same on every run
 * ```
 */
export function mappingUuid(service: string, stream: string): string {
  const bytes = createHash('sha1').update(`shardflow:${service}:${stream}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
