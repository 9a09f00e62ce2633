import { unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeBase64Strict } from './base64.js';
import { asObject } from './decode-context.js';
import { type DynamoDBImageName, InvalidImageError, type RecordIdentity } from './errors.js';
import type { AttributeValue } from './lambda-events.js';

/** A problem found while converting one image; turned into {@link InvalidImageError} with context. */
class ImageValueError extends Error {}

/**
 * `wrapNumbers` hook for `unmarshall`: a plain number, rejecting magnitudes beyond
 * `Number.MAX_SAFE_INTEGER`. (`@aws-sdk/util-dynamodb` ≥ 3.9xx would return a `bigint` for those,
 * so the same attribute would be `number` or `bigint` depending on its value; we make it a named
 * decode error instead.)
 */
function toSafeNumber(text: string): number {
  const value = Number(text);
  if (Number.isNaN(value)) throw new ImageValueError('an N attribute is not a number');
  if (value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER) {
    throw new ImageValueError('an N attribute is beyond ±Number.MAX_SAFE_INTEGER (2^53 - 1)');
  }
  return value;
}

const UNMARSHALL_OPTIONS = { wrapNumbers: toSafeNumber };

/**
 * Unmarshalls a DynamoDB image as the Lambda event carries it (binary values as base64 text) into
 * plain JavaScript values, the way `@aws-sdk/lib-dynamodb` would read the same item: `B` becomes a
 * `Buffer` (a `Uint8Array`), `BS` a `Set` of them, `SS`/`NS` `Set`s, `N` a `number`.
 *
 * Throws {@link InvalidImageError} for an unknown attribute type, an attribute value without a type,
 * invalid base64 in `B`/`BS`, or an `N` beyond ±2^53.
 *
 * @example
 * ```ts
 * unmarshallImage({ id: { S: 'o-1' }, total: { N: '42' } }, 'NewImage', { sequenceNumber: '1111…' });
 * // { id: 'o-1', total: 42 }
 * ```
 */
export function unmarshallImage(
  image: unknown,
  name: DynamoDBImageName,
  identity: RecordIdentity,
): Record<string, unknown> {
  const map = asObject(image);
  if (map === undefined) throw new InvalidImageError(identity, name, 'is not an attribute map');
  try {
    // unmarshall builds maps with `obj[key] = value`: an attribute named __proto__ would become the
    // object's prototype (its fields inherited, the attribute itself lost). Refuse it instead.
    if (hasProtoKey(map)) throw new ImageValueError('an attribute is named __proto__');
    const prepared = binariesToBytesInMap(map);
    return unmarshall(prepared as Parameters<typeof unmarshall>[0], UNMARSHALL_OPTIONS) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidImageError(identity, name, reasonOf(error), error);
  }
}

/** `true` when an attribute map, at any depth (M values, L items), has an attribute named `__proto__`. */
function hasProtoKey(map: Record<string, unknown>): boolean {
  if (Object.hasOwn(map, '__proto__')) return true;
  // for…in allocates no key array (attribute maps come from JSON.parse: no inherited enumerables).
  for (const name in map) {
    const value = map[name] as { M?: unknown; L?: unknown } | null;
    if (typeof value !== 'object' || value === null) continue;
    if (typeof value.M === 'object' && value.M !== null && hasProtoKey(value.M as Record<string, unknown>)) return true;
    if (Array.isArray(value.L)) {
      for (const item of value.L as { M?: unknown }[]) {
        if (typeof item?.M === 'object' && item.M !== null && hasProtoKey(item.M as Record<string, unknown>))
          return true;
      }
    }
  }
  return false;
}

function reasonOf(error: unknown): string {
  if (error instanceof ImageValueError) return error.message;
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Unsupported type passed: ')) {
    const type = message.slice('Unsupported type passed: '.length, 'Unsupported type passed: '.length + 16);
    return `unsupported attribute type ${JSON.stringify(type)}`;
  }
  if (message.startsWith('No value defined')) return 'an attribute value has no type';
  return 'an attribute value is malformed';
}

/**
 * Copy-on-write pass that turns base64 `B`/`BS` values into bytes; returns the same map when it holds
 * no binaries (the common case allocates nothing).
 */
function binariesToBytesInMap(map: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const name in map) {
    const value = map[name];
    const converted = binariesToBytes(value);
    if (converted !== value) {
      copy ??= { ...map };
      copy[name] = converted;
    }
  }
  return copy ?? map;
}

function binariesToBytes(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const attribute = value as Partial<Record<keyof AttributeValue, unknown>>;
  if (attribute.S !== undefined || attribute.N !== undefined) return value;
  if (typeof attribute.B === 'string') return { B: base64ToBytes(attribute.B) };
  if (Array.isArray(attribute.BS)) return { BS: attribute.BS.map(base64ToBytes) };
  if (Array.isArray(attribute.L)) {
    const list = attribute.L;
    let copy: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const converted = binariesToBytes(item);
      if (converted !== item) {
        copy ??= list.slice();
        copy[i] = converted;
      }
    }
    return copy === undefined ? value : { L: copy };
  }
  const nested = asObject(attribute.M);
  if (nested !== undefined) {
    const converted = binariesToBytesInMap(nested);
    return converted === nested ? value : { M: converted };
  }
  return value;
}

function base64ToBytes(text: unknown): Uint8Array {
  const bytes = typeof text === 'string' ? decodeBase64Strict(text) : undefined;
  if (bytes === undefined) throw new ImageValueError('a B or BS value is not valid base64');
  return bytes;
}
