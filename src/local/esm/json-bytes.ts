/** Printable ASCII other than `"` and `\`: JSON writes these characters as they are, one byte each. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Deeper than this, {@link jsonBytes} writes the value to measure it (which also detects cycles). */
const MAX_DEPTH = 100;
/** Thrown inside {@link valueBytes} when a value needs JSON's own rules; never escapes {@link jsonBytes}. */
const NOT_PLAIN: unique symbol = Symbol('not plain data');

/**
 * The UTF-8 length of `JSON.stringify(value)` for one string, quotes included.
 *
 * @example
 * ```ts
 * jsonStringBytes('é"'); // 6: "é\""
 * ```
 */
export function jsonStringBytes(value: string): number {
  return VERBATIM.test(value) ? value.length + 2 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** `undefined` when JSON leaves the value out of an object (or writes it as `null` in an array). */
function valueBytes(value: unknown, depth: number): number | undefined {
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      // JSON writes finite numbers as String(n) does (-0 as 0), the others as null.
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      throw NOT_PLAIN;
  }
  if (value === null) return 4;
  if (depth > MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) throw NOT_PLAIN;
    let bytes = 2 + Math.max(0, value.length - 1);
    for (let i = 0; i < value.length; i++) bytes += valueBytes(value[i], depth + 1) ?? 4;
    return bytes;
  }
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  let bytes = 2;
  let members = 0;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const itemBytes = valueBytes(source[key], depth + 1);
    if (itemBytes === undefined) continue;
    bytes += jsonStringBytes(key) + 1 + itemBytes;
    members++;
  }
  return bytes + Math.max(0, members - 1);
}

/**
 * The UTF-8 length of `JSON.stringify(value)` (0 when it writes nothing), counted without writing the
 * text for plain data (strings of printable ASCII are counted, others measured one by one). Anything JSON
 * has its own rules for (`toJSON`, class instances, boxed primitives, functions, symbols, bigints, very
 * deep or cyclic values) has the whole value written to be measured, so results and errors are JSON's.
 *
 * @example
 * ```ts
 * jsonBytes({ a: 'é', b: [1, undefined] }); // 23, as Buffer.byteLength('{"a":"é","b":[1,null]}')
 * ```
 */
export function jsonBytes(value: unknown): number {
  try {
    return valueBytes(value, 0) ?? 0;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
  }
}
