import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../../src/local/esm/json-bytes.js';
import { jsonCopy } from '../../../src/local/esm/json-copy.js';

/** What Lambda's JSON boundary makes of a value. */
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value) as string);

/** Equal values, prototypes, key order, and `-0` kept apart from `0`. */
function expectSameAsRoundTrip(value: unknown): void {
  const expected = roundTrip(value);
  const actual = jsonCopy(value);
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  expect(Object.is(actual, -0)).toBe(false);
}

/** Every object and array reachable from `value`. */
function containers(value: unknown, found = new Set<object>()): Set<object> {
  if (typeof value === 'object' && value !== null && !found.has(value)) {
    found.add(value);
    for (const item of Object.values(value)) containers(item, found);
  }
  return found;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  get norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const CASES: [string, unknown][] = [
  ['a Kinesis-like event', { Records: [{ kinesis: { data: 'eyJhIjoxfQ==', approximateArrivalTimestamp: 1.5 } }] }],
  ['undefined properties (left out)', { a: 1, b: undefined, c: { d: undefined } }],
  [
    'undefined and holes in arrays (null)',
    { list: [1, undefined, 3], sparse: Object.assign(new Array<number>(3), { 1: 2 }) },
  ],
  [
    'NaN, ±Infinity (null) and -0 (0)',
    { n: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0], z: -0 },
  ],
  ['integer-like keys (ordered first)', { b: 1, 2: 'two', a: 3, 1: 'one' }],
  ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
  ['a Date (toJSON)', { at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) }],
  ['an own toJSON', { wrapped: { toJSON: (key: string) => `key ${key}` } }],
  ['a class instance', { point: new Point(3, 4) }],
  ['a Map and a Set', { map: new Map([[1, 2]]), set: new Set([1]) }],
  ['boxed primitives', { s: new String('x'), n: new Number(2), b: new Boolean(false) }],
  ['functions and symbols', { f: () => 1, s: Symbol('s'), list: [() => 1, Symbol('t')] }],
  ['a symbol key (left out)', { [Symbol('hidden')]: 1, shown: 2 }],
  ['an own __proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown],
  ['typed arrays and buffers', { bytes: new Uint8Array([1, 2]), buffer: Buffer.from('ab') }],
  ['strings with escapes and lone surrogates', { s: 'quote " backslash \\ tab \t nul \0 é 😀 \ud800' }],
  ['top-level primitives', 'text'],
  ['top-level null', null],
  ['a very deep value', Array.from({ length: 300 }).reduce<unknown>((inner) => ({ inner }), { leaf: true })],
];

describe('jsonCopy', () => {
  it.each(CASES)('equals the JSON round trip: %s', (_, value) => {
    expectSameAsRoundTrip(value);
  });

  it('equals the JSON round trip for any JSON-like value, undefined and special numbers included', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          values: [
            fc.oneof(
              fc.string(),
              fc.double(),
              fc.constantFrom(undefined, null, -0, Number.NaN, Number.POSITIVE_INFINITY),
              fc.boolean(),
            ),
          ],
        }),
        (value) => {
          if (JSON.stringify(value) === undefined) return;
          expectSameAsRoundTrip(value);
        },
      ),
    );
  });

  it('shares no object or array with its input', () => {
    // Arrange
    const event = { Records: [{ kinesis: { data: 'AA==' } }, { kinesis: { data: 'AQ==' } }], state: { n: [1] } };
    // Act
    const copy = jsonCopy(event) as typeof event;
    copy.Records[0]!.kinesis.data = 'changed';
    copy.state.n.push(2);
    // Assert
    const original = containers(event);
    for (const container of containers(copy)) expect(original.has(container)).toBe(false);
    expect(event.Records[0]!.kinesis.data).toBe('AA==');
    expect(event.state.n).toEqual([1]);
  });

  it('throws what JSON throws: a cycle, a bigint, a value JSON writes nothing for', () => {
    // Arrange
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    // Act / Assert
    expect(() => jsonCopy(cyclic)).toThrow(TypeError);
    expect(() => jsonCopy({ n: 1n })).toThrow(TypeError);
    expect(() => jsonCopy(undefined)).toThrow(SyntaxError);
    expect(() => jsonCopy(() => 1)).toThrow(SyntaxError);
  });
});

describe('jsonBytes', () => {
  it.each(CASES)('is the UTF-8 length of JSON.stringify: %s', (_, value) => {
    expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value) ?? ''));
  });

  it('is the UTF-8 length of JSON.stringify for any value JSON can write', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withBoxedValues: true,
          withDate: true,
          withSparseArray: true,
          values: [fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.constantFrom(undefined, null, -0))],
        }),
        (value) => {
          expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value) ?? ''));
        },
      ),
    );
  });
});
