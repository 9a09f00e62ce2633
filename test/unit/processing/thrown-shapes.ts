/**
 * Values a processor may throw that are not readable Errors, each with the words its
 * `NonErrorThrownError` message uses to describe it. Shared by the engine tests and the contract test.
 */

/** A Proxy whose every trap throws (including the traps of its handler). */
function hostileProxy(): object {
  const trap = () => {
    throw new Error('trap');
  };
  return new Proxy({}, new Proxy({}, { get: () => trap }));
}

/** `[title, make the value, description in the message]` */
export const THROWN_SHAPES: readonly (readonly [string, () => unknown, string])[] = [
  ['Object.create(null)', () => Object.create(null), 'a null-prototype object'],
  [
    'an object whose toString throws',
    () => ({
      toString() {
        throw new Error('toString');
      },
    }),
    'an object',
  ],
  [
    'an object whose message getter throws',
    () => ({
      get message() {
        throw new Error('message');
      },
    }),
    'an object',
  ],
  [
    'an Error whose message getter throws',
    () =>
      Object.defineProperty(new Error('x'), 'message', {
        get() {
          throw new Error('message');
        },
      }),
    'an Error whose fields cannot be read',
  ],
  [
    'an Error with a throwing enumerable getter',
    () =>
      Object.defineProperty(new Error('x'), 'detail', {
        enumerable: true,
        get() {
          throw new Error('detail');
        },
      }),
    'an Error whose fields cannot be read',
  ],
  ['an Error whose name is a symbol', () => Object.assign(new Error('x'), { name: Symbol('n') }), 'an Error whose'],
  ['a Proxy that throws on every trap', hostileProxy, 'an object that cannot be inspected'],
  [
    'an Error whose cause is a hostile Proxy',
    () => new Error('outer', { cause: hostileProxy() }),
    'an Error whose fields cannot be read',
  ],
  [
    'an AggregateError holding an unreadable Error',
    () =>
      new AggregateError([
        Object.defineProperty(new Error('inner'), 'message', {
          get() {
            throw new Error('message');
          },
        }),
      ]),
    'an Error whose fields cannot be read',
  ],
  ['a Symbol', () => Symbol('s'), 'a symbol'],
  ['undefined', () => undefined, 'undefined'],
  ['null', () => null, 'null'],
  ['a string', () => 'not found', 'a string: "not found"'],
  ['a number', () => 42, 'a number: 42'],
  ['a function', () => () => 1, 'a function'],
  ['an array', () => [1], 'an array'],
  ['a class instance', () => new (class Oops {})(), 'an object (Oops)'],
];
