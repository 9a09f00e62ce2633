import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import {
  compileFilterCriteria,
  compilePattern,
  type EventPattern,
  InvalidPatternError,
} from '../../../src/runtime/routing/index.js';

function compileError(compile: () => unknown): unknown {
  try {
    compile();
  } catch (error) {
    return error;
  }
  throw new Error('expected the pattern to be rejected');
}

describe('compilePattern rejects malformed patterns at compile time', () => {
  it.each([
    ['a leaf that is a string, not an array', { status: 'PAID' }, 'pattern.status'],
    ['a leaf that is a number', { a: 5 }, 'pattern.a'],
    ['a leaf that is null', { a: null }, 'pattern.a'],
    ['an empty leaf array', { a: [] }, 'pattern.a'],
    ['an empty pattern', {}, 'pattern'],
    ['an empty nested object', { detail: {} }, 'pattern.detail'],
    ['a nested array in a leaf', { a: [['x']] }, 'pattern.a[0]'],
    ['an unknown operator', { a: [{ contains: 'x' }] }, 'pattern.a[0].contains'],
    ['an operator object with two keys', { a: [{ prefix: 'x', suffix: 'y' }] }, 'pattern.a[0]'],
    ['an empty operator object', { a: [{}] }, 'pattern.a[0]'],
    ['a non-finite number', { a: [Number.NaN] }, 'pattern.a[0]'],
    ['prefix that is not a string', { a: [{ prefix: 5 }] }, 'pattern.a[0].prefix'],
    [
      'prefix with an operator other than equals-ignore-case',
      { a: [{ prefix: { wildcard: 'x*' } }] },
      'pattern.a[0].prefix',
    ],
    [
      'suffix equals-ignore-case that is not a string',
      { a: [{ suffix: { 'equals-ignore-case': 1 } }] },
      'pattern.a[0].suffix.equals-ignore-case',
    ],
    [
      'equals-ignore-case that is not a string',
      { a: [{ 'equals-ignore-case': ['x'] }] },
      'pattern.a[0].equals-ignore-case',
    ],
    ['numeric that is not an array', { a: [{ numeric: '>5' }] }, 'pattern.a[0].numeric'],
    ['numeric with three items', { a: [{ numeric: ['>', 0, '<'] }] }, 'pattern.a[0].numeric'],
    ['numeric with an unknown operator', { a: [{ numeric: ['!=', 5] }] }, 'pattern.a[0].numeric[0]'],
    ['numeric with a string value', { a: [{ numeric: ['<', '5'] }] }, 'pattern.a[0].numeric[1]'],
    [
      'a numeric range starting with the upper bound',
      { a: [{ numeric: ['<', 5, '>', 0] }] },
      'pattern.a[0].numeric[0]',
    ],
    ['a numeric range with two lower bounds', { a: [{ numeric: ['>', 0, '>=', 5] }] }, 'pattern.a[0].numeric[2]'],
    ['a numeric range with = ', { a: [{ numeric: ['=', 1, '<', 5] }] }, 'pattern.a[0].numeric[0]'],
    ['a numeric range whose bounds are equal', { a: [{ numeric: ['>', 5, '<=', 5] }] }, 'pattern.a[0].numeric'],
    ['a numeric range whose bounds are reversed', { a: [{ numeric: ['>', 10, '<', 5] }] }, 'pattern.a[0].numeric'],
    [
      'a numeric range with a missing upper value',
      { a: [{ numeric: ['>', 0, '<', null] }] },
      'pattern.a[0].numeric[3]',
    ],
    ['exists that is not a boolean', { a: [{ exists: 'true' }] }, 'pattern.a[0].exists'],
    ['anything-but with an empty list', { a: [{ 'anything-but': [] }] }, 'pattern.a[0].anything-but'],
    ['anything-but with a mixed list', { a: [{ 'anything-but': ['a', 1] }] }, 'pattern.a[0].anything-but'],
    ['anything-but null', { a: [{ 'anything-but': null }] }, 'pattern.a[0].anything-but'],
    [
      'anything-but with an empty prefix',
      { a: [{ 'anything-but': { prefix: '' } }] },
      'pattern.a[0].anything-but.prefix',
    ],
    [
      'anything-but with an empty suffix list',
      { a: [{ 'anything-but': { suffix: [] } }] },
      'pattern.a[0].anything-but.suffix',
    ],
    ['anything-but numeric', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'pattern.a[0].anything-but.numeric'],
    [
      'anything-but with two operators',
      { a: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      'pattern.a[0].anything-but',
    ],
    [
      'anything-but prefix list with a number',
      { a: [{ 'anything-but': { prefix: ['a', 1] } }] },
      'pattern.a[0].anything-but.prefix[1]',
    ],
    ['a wildcard with consecutive asterisks', { a: [{ wildcard: 'a**b' }] }, 'pattern.a[0].wildcard'],
    ['a wildcard with an invalid escape', { a: [{ wildcard: 'a\\b' }] }, 'pattern.a[0].wildcard'],
    ['a wildcard ending with a lone backslash', { a: [{ wildcard: 'a\\' }] }, 'pattern.a[0].wildcard'],
    ['cidr without mask bits', { a: [{ cidr: '10.0.0.0' }] }, 'pattern.a[0].cidr'],
    ['cidr with IPv4 mask bits over 31', { a: [{ cidr: '10.0.0.0/32' }] }, 'pattern.a[0].cidr'],
    ['cidr with IPv6 mask bits over 127', { a: [{ cidr: '2001:db8::/128' }] }, 'pattern.a[0].cidr'],
    ['cidr with a hostname', { a: [{ cidr: 'example.com/8' }] }, 'pattern.a[0].cidr'],
    ['cidr with a malformed IPv6 address', { a: [{ cidr: '2001:db8:::1/64' }] }, 'pattern.a[0].cidr'],
    ['$or that is not an array', { $or: { a: ['x'] } }, 'pattern.$or'],
    ['$or with a single branch', { $or: [{ a: ['x'] }] }, 'pattern.$or'],
    ['$or with a non-object branch', { $or: [{ a: ['x'] }, ['b']] }, 'pattern.$or[1]'],
    ['$or with an empty branch', { $or: [{ a: ['x'] }, {}] }, 'pattern.$or[1]'],
    [
      'an operator name used as a field inside $or',
      { $or: [{ numeric: [123] }, { prefix: ['abc'] }] },
      'pattern.$or[0].numeric',
    ],
    [
      'an operator name nested inside a $or branch',
      { $or: [{ a: { exists: [true] } }, { b: ['x'] }] },
      'pattern.$or[0].a.exists',
    ],
    [
      'an error deep in a nested pattern',
      { detail: { order: { 'x-limit': [{ numeric: ['>'] }] } } },
      'pattern.detail.order.x-limit[0].numeric',
    ],
    ['an odd key is quoted in the path', { 'a.b': 'x' }, 'pattern["a.b"]'],
  ])('%s (%j) → InvalidPatternError at %s', (_description, pattern, path) => {
    // Arrange
    const compile = () => compilePattern(pattern as unknown as EventPattern);

    // Act
    const error = compileError(compile);

    // Assert
    expect(error).toBeInstanceOf(InvalidPatternError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ name: 'InvalidPatternError', path });
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', [{ a: ['x'] }]],
    ['a string that is not JSON', '{ "a": ['],
    ['JSON text that is not an object', '["a"]'],
  ])('rejects a pattern that is %s', (_description, pattern) => {
    // Arrange
    const compile = () => compilePattern(pattern as unknown as EventPattern);

    // Act
    const error = compileError(compile);

    // Assert
    expect(error).toBeInstanceOf(InvalidPatternError);
    expect(error).toMatchObject({ path: 'pattern' });
  });

  it('uses the caller-supplied path', () => {
    // Arrange
    const compile = () =>
      compilePattern({ status: 'PAID' } as unknown as EventPattern, 'streams.orders.routes[1].match.payload');

    // Act
    const error = compileError(compile);

    // Assert
    expect(error).toMatchObject({ path: 'streams.orders.routes[1].match.payload.status' });
  });
});

describe('compileFilterCriteria rejects malformed criteria', () => {
  it.each([
    ['more than 5 patterns', Array.from({ length: 6 }, () => ({ a: ['x'] })), {}, 'filterCriteria'],
    ['no pattern', [], {}, 'filterCriteria'],
    ['an invalid second pattern', [{ a: ['x'] }, { b: 'y' }], {}, 'filterCriteria[1].b'],
    ['more than maxPatterns', [{ a: ['x'] }, { b: ['y'] }], { maxPatterns: 1 }, 'filterCriteria'],
    ['a maxPatterns over the raised quota of 10', [{ a: ['x'] }], { maxPatterns: 11 }, 'filterCriteria'],
    ['a custom path', [{ a: 'x' }], { path: 'streams.orders.filterCriteria' }, 'streams.orders.filterCriteria[0].a'],
  ])('%s', (_description, patterns, options, path) => {
    // Arrange
    const compile = () => compileFilterCriteria(patterns as unknown as EventPattern[], options);

    // Act
    const error = compileError(compile);

    // Assert
    expect(error).toBeInstanceOf(InvalidPatternError);
    expect(error).toMatchObject({ path });
  });
});
