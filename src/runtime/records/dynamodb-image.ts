import { attributePath } from './attribute-path.js';
import { decodeBase64Strict } from './base64.js';
import { asObject } from './decode-context.js';
import { readDynamoDBNumber } from './dynamodb-number.js';
import { type DynamoDBImageName, InvalidImageError, type RecordIdentity } from './errors.js';

/**
 * Deepest nesting of `M`/`L` values below an image's top-level attributes. DynamoDB stores at most 32
 * levels; an image nested deeper cannot come from it (and would cost stack to walk).
 */
export const MAX_ATTRIBUTE_DEPTH = 32;

/** A problem found while converting one image; turned into {@link InvalidImageError} with its path. */
class ImageValueError extends Error {
  /** Path from the failing value up to the image (innermost first). */
  readonly segments: (string | number)[] = [];
}

/** Adds one path segment to an {@link ImageValueError} on its way up; other errors pass unchanged. */
function withSegment(error: unknown, segment: string | number | undefined): unknown {
  if (error instanceof ImageValueError && segment !== undefined) error.segments.push(segment);
  return error;
}

/**
 * Unmarshalls a DynamoDB image as the Lambda event carries it (binary values as base64 text) into plain
 * JavaScript values, the way `@aws-sdk/lib-dynamodb` reads the same item: `S` → string, `N` → number,
 * `B` → `Buffer`, `BOOL` → boolean, `NULL` → `null`, `SS`/`NS`/`BS` → `Set`s, `L` → array, `M` → object.
 *
 * It validates while it converts, against what DynamoDB can emit: every attribute value has exactly one
 * type key holding the JSON type that type requires (`S` a string, `N` a string in DynamoDB's number
 * syntax with at most 38 significant digits, `B` canonical base64, `BOOL` a boolean, `NULL` `true`,
 * `SS`/`NS`/`BS` non-empty arrays of such elements without duplicates, `L` an array, `M` an object), at
 * most {@link MAX_ATTRIBUTE_DEPTH} levels of nesting, and no attribute named `__proto__` at any depth
 * (assigning it would replace the object's prototype; such images are refused rather than represented).
 * `constructor` and `prototype` are ordinary attribute names: they become own properties. An `N` beyond
 * ±`Number.MAX_SAFE_INTEGER` is refused too: it would not survive the conversion to a JavaScript number.
 * `Keys` must have one or two attributes, each a non-empty `S`, an `N` or a non-empty `B`.
 *
 * Anything else throws {@link InvalidImageError} whose `path` names the attribute
 * (`NewImage.items[2].price`); its message never holds a value.
 *
 * @example
 * ```ts
 * unmarshallImage({ id: { S: 'o-1' }, total: { N: '42' } }, 'NewImage', { sequenceNumber: '1111…' });
 * // { id: 'o-1', total: 42 }
 * unmarshallImage({ ok: { BOOL: 'false' } }, 'NewImage', { sequenceNumber: '1111…' });
 * // throws InvalidImageError: dynamodb.NewImage.ok cannot be unmarshalled: BOOL is not a boolean
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
    return name === 'Keys' ? convertKeys(map) : convertMap(map, 0);
  } catch (error) {
    if (error instanceof ImageValueError) {
      throw new InvalidImageError(identity, name, error.message, attributePath(name, error.segments.reverse()));
    }
    throw new InvalidImageError(identity, name, 'an attribute value is malformed');
  }
}

function convertMap(map: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let name: string | undefined;
  try {
    // for…in allocates no key array; attribute maps come from JSON.parse (own keys only).
    for (name in map) {
      if (name === '__proto__') throw new ImageValueError('an attribute is named __proto__');
      out[name] = convertValue(map[name], depth);
    }
  } catch (error) {
    throw withSegment(error, name);
  }
  return out;
}

function convertKeys(map: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  let name: string | undefined;
  try {
    for (name in map) {
      if (name === '__proto__') throw new ImageValueError('an attribute is named __proto__');
      if (++count > 2) throw new ImageValueError('a key has at most two attributes (partition and sort key)');
      const value = convertValue(map[name], 0);
      if (typeof value === 'number') {
        out[name] = value;
      } else if (typeof value === 'string' || value instanceof Uint8Array) {
        if (value.length === 0) throw new ImageValueError('a key attribute is empty');
        out[name] = value;
      } else {
        throw new ImageValueError('a key attribute is not of type S, N or B');
      }
    }
  } catch (error) {
    throw withSegment(error, name);
  }
  if (count === 0) throw new ImageValueError('has no key attributes');
  return out;
}

function convertValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImageValueError('is not an attribute value (an object with one type key)');
  }
  let type: string | undefined;
  for (const key in value) {
    if (type !== undefined) throw new ImageValueError('has more than one type key');
    type = key;
  }
  if (type === undefined) throw new ImageValueError('has no type key');
  const inner = (value as Record<string, unknown>)[type];
  switch (type) {
    case 'S':
      if (typeof inner !== 'string') throw new ImageValueError('S is not a string');
      return inner;
    case 'N':
      return toNumber(inner, 'N');
    case 'BOOL':
      if (typeof inner !== 'boolean') throw new ImageValueError('BOOL is not a boolean');
      return inner;
    case 'NULL':
      if (inner !== true) throw new ImageValueError('NULL is not true');
      return null;
    case 'M': {
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
        throw new ImageValueError('M is not an object');
      }
      if (depth >= MAX_ATTRIBUTE_DEPTH) throw new ImageValueError(`nests deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
      return convertMap(inner as Record<string, unknown>, depth + 1);
    }
    case 'L':
      if (!Array.isArray(inner)) throw new ImageValueError('L is not an array');
      if (depth >= MAX_ATTRIBUTE_DEPTH) throw new ImageValueError(`nests deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
      return convertList(inner, depth + 1);
    case 'B':
      return toBytes(inner, 'B');
    case 'SS':
      return toStringSet(inner);
    case 'NS':
      return toNumberSet(inner);
    case 'BS':
      return toBinarySet(inner);
    default:
      throw new ImageValueError(`has an unknown type key ${JSON.stringify(type.slice(0, 16))}`);
  }
}

function convertList(list: readonly unknown[], depth: number): unknown[] {
  const out: unknown[] = new Array(list.length);
  let i = 0;
  try {
    for (; i < list.length; i++) out[i] = convertValue(list[i], depth);
  } catch (error) {
    throw withSegment(error, i);
  }
  return out;
}

function toNumber(text: unknown, type: 'N' | 'NS'): number {
  if (typeof text !== 'string') throw new ImageValueError(`${type === 'N' ? 'N is' : 'NS element is'} not a string`);
  const value = readDynamoDBNumber(text);
  if (typeof value === 'string') throw new ImageValueError(`${type === 'N' ? 'N' : 'NS element'} ${value}`);
  if (value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER) {
    throw new ImageValueError(`${type === 'N' ? 'N' : 'NS element'} is beyond ±Number.MAX_SAFE_INTEGER (2^53 - 1)`);
  }
  return value;
}

function toBytes(text: unknown, type: 'B' | 'BS'): Uint8Array {
  const bytes = typeof text === 'string' ? decodeBase64Strict(text) : undefined;
  if (bytes === undefined) throw new ImageValueError(`${type} ${type === 'B' ? 'is' : 'element is'} not valid base64`);
  return bytes;
}

function setElements(value: unknown, type: 'SS' | 'NS' | 'BS'): readonly unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new ImageValueError(`${type} is not a non-empty array`);
  return value;
}

function toStringSet(value: unknown): Set<string> {
  const elements = setElements(value, 'SS');
  for (let i = 0; i < elements.length; i++) {
    if (typeof elements[i] !== 'string') throw withSegment(new ImageValueError('SS element is not a string'), i);
  }
  const set = new Set(elements as readonly string[]);
  if (set.size !== elements.length) throw new ImageValueError('SS holds duplicate elements');
  return set;
}

function toNumberSet(value: unknown): Set<number> {
  const elements = setElements(value, 'NS');
  const set = new Set<number>();
  for (let i = 0; i < elements.length; i++) {
    try {
      set.add(toNumber(elements[i], 'NS'));
    } catch (error) {
      throw withSegment(error, i);
    }
  }
  // Two texts of one number ("1", "1.0"), or two 38-digit decimals that read as the same double.
  if (set.size !== elements.length) throw new ImageValueError('NS holds duplicate elements (as JavaScript numbers)');
  return set;
}

function toBinarySet(value: unknown): Set<Uint8Array> {
  const elements = setElements(value, 'BS');
  const set = new Set<Uint8Array>();
  for (let i = 0; i < elements.length; i++) {
    try {
      set.add(toBytes(elements[i], 'BS'));
    } catch (error) {
      throw withSegment(error, i);
    }
  }
  // Canonical base64 (decodeBase64Strict) has one text per byte string, so equal texts are equal bytes.
  if (new Set(elements).size !== elements.length) throw new ImageValueError('BS holds duplicate elements');
  return set;
}
