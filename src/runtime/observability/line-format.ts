/*
 * The text of a log line, value by value, exactly as pino 10 writes it (see `json-logger.ts` for why shardflow
 * writes its lines itself): pino's string quoting (`lib/tools.js` `asString`), its `stringify` (`JSON.stringify`,
 * and for what that cannot serialize — cycles, BigInt — safe-stable-stringify 2.5 configured as pino configures
 * it: sorted keys, `"[Circular]"`, depth 5, breadth 100) and its message interpolation (quick-format-unescaped 4).
 * Ported from those MIT-licensed packages; `test/unit/observability/pino-compatibility.test.ts` compares the
 * lines with pino's, byte for byte.
 */

/**
 * A string as a JSON string literal, as pino quotes keys and string values: short strings without control
 * characters get `"` and `\` escaped by hand, anything else goes through `JSON.stringify`.
 *
 * @example
 * ```ts
 * quote('say "hi"'); // '"say \\"hi\\""'
 * ```
 */
export function quote(text: string): string {
  if (text.length > 100) return JSON.stringify(text);
  let result = '';
  let last = 0;
  let found = false;
  let point = 255;
  let i = 0;
  for (; i < text.length && point >= 32; i++) {
    point = text.charCodeAt(i);
    if (point === 34 || point === 92) {
      result += `${text.slice(last, i)}\\`;
      last = i;
      found = true;
    }
  }
  result = found ? result + text.slice(last) : text;
  return point < 32 ? JSON.stringify(text) : `"${result}"`;
}

const MAXIMUM_DEPTH = 5;
const MAXIMUM_BREADTH = 100;
const CIRCULAR = '"[Circular]"';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters JSON must escape.
const NEEDS_ESCAPING = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/;

function safeQuote(text: string): string {
  return text.length < 5000 && !NEEDS_ESCAPING.test(text) ? `"${text}"` : JSON.stringify(text);
}

function itemCount(count: number): string {
  return count === 1 ? '1 item' : `${count} items`;
}

function sortKeys(keys: string[]): string[] {
  if (keys.length > 200) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const current = keys[i]!;
    let position = i;
    while (position !== 0 && keys[position - 1]! > current) {
      keys[position] = keys[position - 1]!;
      position--;
    }
    keys[position] = current;
  }
  return keys;
}

const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Object.getPrototypeOf(new Int8Array())) as object,
  Symbol.toStringTag,
)!.get!;

function typedArrayEntries(array: ArrayLike<unknown>): string {
  const count = Math.min(array.length, MAXIMUM_BREADTH);
  let result = `"0":${array[0]}`;
  for (let i = 1; i < count; i++) result += `,"${i}":${array[i]}`;
  return result;
}

/** safe-stable-stringify's `stringifySimple` with pino's options. */
function safeStringify(key: string, input: unknown, stack: unknown[]): string | undefined {
  let value = input;
  switch (typeof value) {
    case 'string':
      return safeQuote(value);
    case 'object': {
      if (value === null) return 'null';
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        value = (value as { toJSON(key: string): unknown }).toJSON(key);
        if (typeof value !== 'object') return safeStringify(key, value, stack);
        if (value === null) return 'null';
      }
      if (stack.includes(value)) return CIRCULAR;
      const object = value as Record<string, unknown> & { length?: unknown };
      const hasLength = object.length !== undefined;
      if (hasLength && Array.isArray(object)) {
        if (object.length === 0) return '[]';
        if (MAXIMUM_DEPTH < stack.length + 1) return '"[Array]"';
        stack.push(object);
        const count = Math.min(object.length, MAXIMUM_BREADTH);
        let result = '';
        let i = 0;
        for (; i < count - 1; i++) result += `${safeStringify(String(i), object[i], stack) ?? 'null'},`;
        result += safeStringify(String(i), object[i], stack) ?? 'null';
        if (object.length - 1 > MAXIMUM_BREADTH) {
          result += `,"... ${itemCount(object.length - MAXIMUM_BREADTH - 1)} not stringified"`;
        }
        stack.pop();
        return `[${result}]`;
      }
      let keys = Object.keys(object);
      const keyCount = keys.length;
      if (keyCount === 0) return '{}';
      if (MAXIMUM_DEPTH < stack.length + 1) return '"[Object]"';
      let result = '';
      let separator = '';
      let count = Math.min(keyCount, MAXIMUM_BREADTH);
      if (hasLength && typedArrayTag.call(object) !== undefined && (object as ArrayLike<unknown>).length !== 0) {
        const array = object as unknown as ArrayLike<unknown>;
        result += typedArrayEntries(array);
        keys = keys.slice(array.length);
        count -= array.length;
        separator = ',';
      }
      keys = sortKeys(keys);
      stack.push(object);
      for (let i = 0; i < count; i++) {
        const name = keys[i]!;
        const text = safeStringify(name, object[name], stack);
        if (text !== undefined) {
          result += `${separator}${safeQuote(name)}:${text}`;
          separator = ',';
        }
      }
      if (keyCount > MAXIMUM_BREADTH) {
        result += `${separator}"...":"${itemCount(keyCount - MAXIMUM_BREADTH)} not stringified"`;
      }
      stack.pop();
      return `{${result}}`;
    }
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

/**
 * A value as JSON text, as pino serializes fields: `JSON.stringify`, and when that throws (a cycle, a
 * BigInt) a safe serialization with sorted keys, `"[Circular]"` for cycles, `"[Object]"`/`"[Array]"` below
 * depth 5 and at most 100 entries per object. `undefined` when there is nothing to write (a function).
 *
 * @example
 * ```ts
 * const order: Record<string, unknown> = { id: 'o-1' };
 * order.self = order;
 * stringify(order); // '{"id":"o-1","self":"[Circular]"}'
 * ```
 */
export function stringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    try {
      return safeStringify('', value, []);
    } catch {
      return '"[unable to serialize, circular reference is too complex to analyze]"';
    }
  }
}

/**
 * The message of a line with its interpolated arguments (`%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%O`, `%%`),
 * as pino formats it; objects are written with {@link stringify}. An object "message" with arguments is
 * joined with them, space-separated.
 *
 * @example
 * ```ts
 * formatMessage('%d of %s failed', [3, 'orders']); // '3 of orders failed'
 * ```
 */
export function formatMessage(message: unknown, args: readonly unknown[]): unknown {
  if (typeof message === 'object' && message !== null) {
    if (args.length === 0) return message;
    // As quick-format-unescaped does it: arguments 1…n, the first one left out and one `undefined` past the end.
    const parts = [stringify(message)];
    for (let index = 1; index < args.length + 1; index++) parts.push(stringify(args[index]));
    return parts.join(' ');
  }
  if (typeof message !== 'string' || args.length === 0) return message;
  let result = '';
  let arg = 0;
  let lastPos = -1;
  const length = message.length;
  for (let i = 0; i < length; ) {
    if (message.charCodeAt(i) === 37 && i + 1 < length) {
      lastPos = lastPos > -1 ? lastPos : 0;
      const value = args[arg];
      switch (message.charCodeAt(i + 1)) {
        case 100: // d
        case 102: // f
          if (arg >= args.length || value == null) break;
          if (lastPos < i) result += message.slice(lastPos, i);
          result += Number(value);
          lastPos = i + 2;
          i++;
          break;
        case 105: // i
          if (arg >= args.length || value == null) break;
          if (lastPos < i) result += message.slice(lastPos, i);
          result += Math.floor(Number(value));
          lastPos = i + 2;
          i++;
          break;
        case 79: // O
        case 111: // o
        case 106: // j
          if (arg >= args.length || value === undefined) break;
          if (lastPos < i) result += message.slice(lastPos, i);
          if (typeof value === 'string') result += `'${value}'`;
          else if (typeof value === 'function') result += value.name || '<anonymous>';
          else result += stringify(value);
          lastPos = i + 2;
          i++;
          break;
        case 115: // s
          if (arg >= args.length) break;
          if (lastPos < i) result += message.slice(lastPos, i);
          result += String(value);
          lastPos = i + 2;
          i++;
          break;
        case 37: // %
          if (lastPos < i) result += message.slice(lastPos, i);
          result += '%';
          lastPos = i + 2;
          i++;
          arg--;
          break;
      }
      ++arg;
    }
    ++i;
  }
  if (lastPos === -1) return message;
  if (lastPos < length) result += message.slice(lastPos);
  return result;
}
