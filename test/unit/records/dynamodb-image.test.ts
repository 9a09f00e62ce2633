import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ATTRIBUTE_DEPTH, unmarshallImage } from '../../../src/runtime/records/dynamodb-image.js';
import { InvalidImageError } from '../../../src/runtime/records/errors.js';
import { toAttributeMap } from '../../factories/index.js';

/**
 * Strict unmarshalling against the AttributeValue rules: what DynamoDB can emit is converted exactly as
 * `@aws-sdk/util-dynamodb` would, anything else is an `InvalidImageError` naming the attribute.
 */

const IDENTITY = { eventID: 'c81e728d9d4c2f636f067f89cc14862c', sequenceNumber: '111100000000000000000001' };

/** Parses JSON the way the Lambda runtime does (so `__proto__` is an own key). */
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { M: { a: value } };
  return value;
}

function plainNested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function decodeError(image: unknown, name: 'Keys' | 'NewImage' = 'NewImage'): InvalidImageError {
  try {
    unmarshallImage(image, name, IDENTITY);
  } catch (error) {
    if (error instanceof InvalidImageError) return error;
    throw error;
  }
  throw new Error('expected an InvalidImageError');
}

const INVALID: readonly (readonly [string, Record<string, unknown>, string, string])[] = [
  ['BOOL holding a string', { ok: { BOOL: 'false' } }, 'NewImage.ok', 'BOOL is not a boolean'],
  ['N empty', { n: { N: '' } }, 'NewImage.n', 'not a number in DynamoDB syntax'],
  ['N in hex', { n: { N: '0x10' } }, 'NewImage.n', 'not a number in DynamoDB syntax'],
  ['N with whitespace', { n: { N: ' 1' } }, 'NewImage.n', 'not a number in DynamoDB syntax'],
  ['N Infinity', { n: { N: 'Infinity' } }, 'NewImage.n', 'not a number in DynamoDB syntax'],
  ['N NaN', { n: { N: 'NaN' } }, 'NewImage.n', 'not a number in DynamoDB syntax'],
  ['N with an exponent but no digits', { n: { N: '1e' } }, 'NewImage.n', 'not a number in DynamoDB syntax'],
  ['N with two points', { n: { N: '1.2.3' } }, 'NewImage.n', 'not a number in DynamoDB syntax'],
  ['N with 39 significant digits', { n: { N: `0.${'1'.repeat(39)}` } }, 'NewImage.n', 'more than 38'],
  ['N below 1E-130', { n: { N: '1e-131' } }, 'NewImage.n', 'smaller in magnitude than 1E-130'],
  ['N that underflows to 0', { n: { N: '1e-400' } }, 'NewImage.n', 'smaller in magnitude'],
  ['N overflowing to Infinity', { n: { N: '1e400' } }, 'NewImage.n', 'MAX_SAFE_INTEGER'],
  ['N beyond 2^53', { n: { N: '9007199254740993' } }, 'NewImage.n', 'MAX_SAFE_INTEGER'],
  ['N holding a number', { n: { N: 5 } }, 'NewImage.n', 'N is not a string'],
  ['S holding a number', { s: { S: 42 } }, 'NewImage.s', 'S is not a string'],
  ['two type keys', { s: { S: 'a', N: '1' } }, 'NewImage.s', 'more than one type key'],
  ['no type key', { s: {} }, 'NewImage.s', 'no type key'],
  ['an unknown type key', { s: { X: '1' } }, 'NewImage.s', 'unknown type key "X"'],
  ['a lower-case type key', { s: { s: 'a' } }, 'NewImage.s', 'unknown type key "s"'],
  ['NULL false', { z: { NULL: false } }, 'NewImage.z', 'NULL is not true'],
  ['NULL as a string', { z: { NULL: 'true' } }, 'NewImage.z', 'NULL is not true'],
  ['a value that is a string', { s: 'a' }, 'NewImage.s', 'is not an attribute value'],
  ['a value that is an array', { s: [{ S: 'a' }] }, 'NewImage.s', 'is not an attribute value'],
  ['a value that is null', { s: null }, 'NewImage.s', 'is not an attribute value'],
  ['B not base64', { b: { B: 'not base64!' } }, 'NewImage.b', 'B is not valid base64'],
  ['B without padding', { b: { B: 'QQ' } }, 'NewImage.b', 'B is not valid base64'],
  ['B as bytes', { b: { B: [1, 2] } }, 'NewImage.b', 'B is not valid base64'],
  ['SS empty', { t: { SS: [] } }, 'NewImage.t', 'SS is not a non-empty array'],
  ['SS not an array', { t: { SS: 'a' } }, 'NewImage.t', 'SS is not a non-empty array'],
  ['SS with a number', { t: { SS: ['a', 1] } }, 'NewImage.t[1]', 'SS element is not a string'],
  ['SS with duplicates', { t: { SS: ['a', 'a'] } }, 'NewImage.t', 'SS holds duplicate elements'],
  ['NS with a bad element', { t: { NS: ['1', '0x2'] } }, 'NewImage.t[1]', 'NS element is not a number'],
  ['NS with duplicates', { t: { NS: ['1', '1.0'] } }, 'NewImage.t', 'NS holds duplicate elements'],
  ['NS empty', { t: { NS: [] } }, 'NewImage.t', 'NS is not a non-empty array'],
  ['BS with a bad element', { t: { BS: ['AQ==', 'QQ'] } }, 'NewImage.t[1]', 'BS element is not valid base64'],
  ['BS with duplicates', { t: { BS: ['AQ==', 'AQ=='] } }, 'NewImage.t', 'BS holds duplicate elements'],
  ['L not an array', { l: { L: { 0: { S: 'a' } } } }, 'NewImage.l', 'L is not an array'],
  ['M an array', { m: { M: [{ S: 'a' }] } }, 'NewImage.m', 'M is not an object'],
  ['M null', { m: { M: null } }, 'NewImage.m', 'M is not an object'],
  [
    'a bad value deep in a list of maps',
    { items: { L: [{ M: { price: { N: '1' } } }, { M: { price: { N: '2' } } }, { M: { price: { N: '' } } }] } },
    'NewImage.items[2].price',
    'not a number',
  ],
  [
    'a bad value in a list of lists',
    { grid: { L: [{ L: [{ N: '1' }] }, { L: [{ N: '2' }, { BOOL: 1 }] }] } },
    'NewImage.grid[1][1]',
    'BOOL is not a boolean',
  ],
  [
    'a bad value under a name that is not an identifier',
    { headers: { M: { 'x-api-key': { S: 1 } } } },
    'NewImage.headers["x-api-key"]',
    'S is not a string',
  ],
  ['__proto__ at the top', json('{"id":{"S":"a"},"__proto__":{"M":{}}}'), 'NewImage.__proto__', 'named __proto__'],
  [
    '__proto__ in a map',
    json('{"a":{"M":{"__proto__":{"M":{"isAdmin":{"BOOL":true}}}}}}'),
    'NewImage.a.__proto__',
    'named __proto__',
  ],
  [
    '__proto__ in a map in a list of lists',
    json('{"a":{"L":[{"L":[{"M":{"__proto__":{"M":{"isAdmin":{"BOOL":true}}}}}]}]}}'),
    'NewImage.a[0][0].__proto__',
    'named __proto__',
  ],
  ['__proto__ as a type key', json('{"a":{"__proto__":{"S":"x"}}}'), 'NewImage.a', 'unknown type key "__proto__"'],
  [
    `nesting deeper than ${MAX_ATTRIBUTE_DEPTH} levels`,
    { deep: nested(MAX_ATTRIBUTE_DEPTH + 1, { S: 'x' }) },
    `NewImage.deep${'.a'.repeat(MAX_ATTRIBUTE_DEPTH)}`,
    'nests deeper than 32 levels',
  ],
  ['100k nested maps', { deep: nested(100_000, { S: 'x' }) }, `NewImage.deep${'.a'.repeat(32)}`, 'nests deeper'],
];

describe('unmarshallImage: values DynamoDB cannot emit', () => {
  it.each(INVALID)('refuses %s with InvalidImageError naming the attribute', (_title, image, path, reason) => {
    // Arrange / Act
    const error = decodeError(image);

    // Assert
    expect(error.name).toBe('InvalidImageError');
    expect(error.image).toBe('NewImage');
    expect(error.path).toBe(path);
    expect(error.message).toContain(`dynamodb.${path} cannot be unmarshalled`);
    expect(error.message).toContain(reason);
    expect(error.sequenceNumber).toBe(IDENTITY.sequenceNumber);
  });

  it('never puts a value into the message', () => {
    // Arrange
    const secret = 'zq-secret-4111111111111111';

    // Act
    const messages = [
      decodeError({ s: { S: 1, N: secret } }),
      decodeError({ n: { N: secret } }),
      decodeError({ b: { B: secret } }),
      decodeError({ t: { SS: [secret, secret] } }),
      decodeError({ x: { [secret]: 1 } }),
    ].map((error) => error.message);

    // Assert
    for (const message of messages) expect(message).not.toContain('4111111111111111');
  });

  it.each([
    ['empty', {}, 'Keys', 'no key attributes'],
    ['three attributes', { a: { S: 'a' }, b: { S: 'b' }, c: { S: 'c' } }, 'Keys.c', 'at most two attributes'],
    ['a BOOL key', { id: { BOOL: true } }, 'Keys.id', 'not of type S, N or B'],
    ['a map key', { id: { M: {} } }, 'Keys.id', 'not of type S, N or B'],
    ['an empty string key', { id: { S: '' } }, 'Keys.id', 'key attribute is empty'],
    ['an empty binary key', { id: { B: '' } }, 'Keys.id', 'key attribute is empty'],
  ] as const)('refuses Keys with %s', (_title, keys, path, reason) => {
    // Arrange / Act
    const error = decodeError(keys, 'Keys');

    // Assert
    expect(error.path).toBe(path);
    expect(error.message).toContain(reason);
  });

  it('refuses an image that is not an object', () => {
    // Arrange / Act
    const errors = ['a', 1, null, [], undefined].map((image) => decodeError(image));

    // Assert
    for (const error of errors) expect(error.path).toBe('NewImage');
  });
});

describe('unmarshallImage: values DynamoDB emits', () => {
  it('converts every type as @aws-sdk/lib-dynamodb reads it', () => {
    // Arrange
    const image = {
      s: { S: '' },
      n: { N: '-12.5e1' },
      int: { N: '9007199254740991' },
      tiny: { N: '1E-130' },
      zero: { N: '0' },
      plus: { N: '+.5' },
      digits: { N: `0.${'1'.repeat(38)}` },
      b: { B: 'AQI=' },
      emptyB: { B: '' },
      yes: { BOOL: true },
      nil: { NULL: true },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2.5'] },
      bs: { BS: ['AQ==', 'Ag=='] },
      l: { L: [{ S: 'x' }, { L: [] }, { M: {} }] },
      m: { M: { inner: { N: '1' } } },
      deepest: nested(MAX_ATTRIBUTE_DEPTH, { S: 'leaf' }),
    };

    // Act
    const value = unmarshallImage(image, 'NewImage', IDENTITY);

    // Assert
    expect(value).toEqual({
      s: '',
      n: -125,
      int: 9007199254740991,
      tiny: 1e-130,
      zero: 0,
      plus: 0.5,
      digits: Number(`0.${'1'.repeat(38)}`),
      b: Buffer.from([1, 2]),
      emptyB: Buffer.alloc(0),
      yes: true,
      nil: null,
      ss: new Set(['a', 'b']),
      ns: new Set([1, 2.5]),
      bs: new Set([Buffer.from([1]), Buffer.from([2])]),
      l: ['x', [], {}],
      m: { inner: 1 },
      deepest: plainNested(MAX_ATTRIBUTE_DEPTH, 'leaf'),
    });
    expect(value.b).toBeInstanceOf(Buffer);
  });

  it('keeps "constructor" and "prototype" as own attributes of a plain object', () => {
    // Arrange
    const image = json('{"constructor":{"M":{"prototype":{"M":{"isAdmin":{"BOOL":true}}}}}}');

    // Act
    const value = unmarshallImage(image, 'NewImage', IDENTITY);

    // Assert
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['constructor']);
    expect(value.constructor).toEqual({ prototype: { isAdmin: true } });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('gives what @aws-sdk/util-dynamodb gives for any item DynamoDB could store', () => {
    // Arrange
    const scalar = fc.oneof(
      fc.string(),
      fc.integer(),
      fc
        .double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 })
        .filter((n) => n === 0 || Math.abs(n) >= 1e-130),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
    );
    const name = fc.string({ maxLength: 8 }).filter((text) => text !== '__proto__');
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(name, tie('value'), { maxKeys: 3 }),
        fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 3 }).map((items) => new Set(items)),
        fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 3 }).map((items) => new Set(items)),
      ),
    })).value;
    const item = fc.dictionary(name, value, { maxKeys: 5 });

    fc.assert(
      fc.property(item, (plain) => {
        const image = toAttributeMap(plain as Record<string, unknown>);
        const reference = unmarshall(
          JSON.parse(JSON.stringify(image), (key, v) =>
            key === 'B' && typeof v === 'string' ? Buffer.from(v, 'base64') : v,
          ),
          { wrapNumbers: (text) => Number(text) },
        );

        // Act
        const actual = unmarshallImage(JSON.parse(JSON.stringify(image)), 'NewImage', IDENTITY);

        // Assert
        expect(actual).toEqual(reference);
      }),
    );
  });
});
