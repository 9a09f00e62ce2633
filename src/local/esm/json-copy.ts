/** Thrown inside {@link fastCopy} when a value needs JSON's own rules; never escapes {@link jsonCopy}. */
const NOT_PLAIN: unique symbol = Symbol('not plain data');

/** Deeper than this, {@link jsonCopy} leaves the work to JSON itself (which also detects cycles). */
const MAX_DEPTH = 100;

function fastCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes NaN and ±Infinity as null, -0 as 0; every finite number reads back as the same double.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'object':
      break;
    default:
      throw NOT_PLAIN;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) throw NOT_PLAIN;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
    const length = value.length;
    const copy: unknown[] = [];
    for (let i = 0; i < length; i++) {
      const item: unknown = value[i];
      // Holes and undefined become null in a JSON array.
      copy.push(item === undefined ? null : fastCopy(item, depth + 1));
    }
    return copy;
  }
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    throw NOT_PLAIN;
  }
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    // An own `__proto__` key (JSON.parse makes one) would set the copy's prototype instead.
    if (key === '__proto__') throw NOT_PLAIN;
    const item = source[key];
    if (item !== undefined) copy[key] = fastCopy(item, depth + 1);
  }
  return copy;
}

/**
 * A fresh copy of `value` equal to `JSON.parse(JSON.stringify(value))` — what a value becomes when it
 * crosses Lambda's JSON boundary — without writing and parsing the text: objects and arrays are new,
 * `undefined` object properties are left out, `undefined` and holes in arrays become `null`, `NaN` and
 * `±Infinity` become `null`, `-0` becomes `0`, prototypes become `Object.prototype` (strings, being
 * immutable, are shared). Anything else JSON has its own rules for (`toJSON`, class instances, boxed
 * primitives, functions, symbols, bigints, an own `__proto__` key, very deep or cyclic values) takes the
 * real round trip, so results and errors are JSON's exactly (a getter met before such a value runs twice).
 *
 * Why not the round trip itself: `JSON.parse(JSON.stringify(event))` of every invocation was 10.4 % of the
 * local ESM's self time draining a 4-shard backlog at batch 100 on kinesalite (CPU profile of the e2e
 * suite's drain phase, Node 20.20); with Kinesis records built per invocation and this copy for the rest, the
 * ESM's own code is 2.6 % of that drain (`docs/benchmarks.md`, "Local ESM: before and after").
 *
 * @throws {TypeError} as `JSON.stringify` does (cycles, bigints)
 * @throws {SyntaxError} as `JSON.parse` does when `JSON.stringify` returns `undefined` (e.g. for a function)
 *
 * @example
 * ```ts
 * jsonCopy({ a: 1, b: undefined, c: [undefined, NaN] }); // { a: 1, c: [null, null] }
 * ```
 */
export function jsonCopy(value: unknown): unknown {
  try {
    return fastCopy(value, 0);
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return JSON.parse(JSON.stringify(value) as string) as unknown;
  }
}
