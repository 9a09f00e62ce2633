import { asBuffer } from './bytes.js';

/**
 * Canonical string form of a DynamoDB primary key (already unmarshalled): a JSON object with the
 * attribute names sorted, so that `{ sk, pk }` and `{ pk, sk }` give the same string. Key attributes
 * are strings, numbers or binaries (`Uint8Array`, written as base64 text).
 *
 * @example
 * ```ts
 * canonicalKey({ sk: 2, pk: 'order#1' }); // '{"pk":"order#1","sk":2}'
 * ```
 */
export function canonicalKey(keys: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(keys);
  if (names.length > 1) names.sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (i > 0) out += ',';
    out += `${JSON.stringify(name)}:${keyValue(keys[name])}`;
  }
  return `${out}}`;
}

function keyValue(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(asBuffer(value).toString('base64'));
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? 'null';
}
