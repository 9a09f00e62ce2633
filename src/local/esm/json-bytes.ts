/** Printable ASCII other than `"` and `\`: JSON writes these characters as they are, one byte each. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Deeper than this, the value is written to be measured (which also detects cycles). */
const MAX_DEPTH = 100;

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
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      return slowBytes(value);
  }
  if (value === null) return 4;
  if (depth > MAX_DEPTH) return slowBytes(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return slowBytes(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return slowBytes(value);
    let bytes = 2 + Math.max(0, value.length - 1);
    for (let i = 0; i < value.length; i++) bytes += valueBytes(value[i], depth + 1) ?? 4;
    return bytes;
  }
  if (proto !== Object.prototype && proto !== null) return slowBytes(value);
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

function slowBytes(value: unknown): number | undefined {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : Buffer.byteLength(text, 'utf8');
}

/**
 * The UTF-8 length of `JSON.stringify(value)` (0 when it writes nothing), counted without writing the
 * text for plain data (strings of printable ASCII are counted, others measured one by one); anything
 * with its own JSON rules (`toJSON`, class instances, functions, bigints, very deep values) is written to be
 * measured, so errors are JSON's too.
 *
 * @example
 * ```ts
 * jsonBytes({ a: 'é', b: [1, undefined] }); // 23, as Buffer.byteLength('{"a":"é","b":[1,null]}')
 * ```
 */
export function jsonBytes(value: unknown): number {
  return valueBytes(value, 0) ?? 0;
}
