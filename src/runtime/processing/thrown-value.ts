import { NonErrorThrownError } from './errors.js';

/** Longest thrown string kept in a {@link NonErrorThrownError} message. */
const MAX_STRING_LENGTH = 200;
/** How far down `cause` chains (and AggregateError `errors`) an error is checked (pino's serializer follows them). */
const MAX_CAUSE_DEPTH = 8;

/**
 * The error the engine records for a value thrown by user code (a processor, a route predicate, an
 * idempotency key function, a sink, a store): the value itself when it is an `Error` whose `name`,
 * `message`, `stack`, enumerable fields and causes can be read without throwing — what logging it and
 * writing it to a quarantine entry will read — otherwise a {@link NonErrorThrownError} that describes
 * the value by its kind only. Never throws, whatever the value: `Object.create(null)`, an object whose
 * `toString` or `message` getter throws, a Proxy that throws on every trap, a Symbol, `undefined`.
 * A thrown string is kept as the message (cut after 200 characters), as an Error's message would be.
 *
 * @example
 * ```ts
 * toError(new TypeError('boom')); // the same TypeError
 * toError(Object.create(null)).message; // 'non-Error value thrown: a null-prototype object'
 * ```
 */
export function toError(thrown: unknown): Error {
  if (isReadableError(thrown)) return thrown;
  return new NonErrorThrownError(`non-Error value thrown: ${describeThrown(thrown)}`);
}

function isReadableError(value: unknown): value is Error {
  try {
    if (!(value instanceof Error)) return false;
    return isReadable(value, 0);
  } catch {
    return false;
  }
}

function isReadable(error: Error, depth: number): boolean {
  if (typeof error.name !== 'string' || typeof error.message !== 'string') return false;
  const stack: unknown = error.stack;
  if (stack !== undefined && typeof stack !== 'string') return false;
  for (const key in error) void (error as unknown as Record<string, unknown>)[key];
  if (depth >= MAX_CAUSE_DEPTH) return true;
  // pino's serializer also follows an AggregateError's `errors`.
  const errors: unknown = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    for (const inner of errors) if (inner instanceof Error && !isReadable(inner, depth + 1)) return false;
  }
  const cause: unknown = error.cause;
  return cause instanceof Error ? isReadable(cause, depth + 1) : true;
}

function describeThrown(thrown: unknown): string {
  switch (typeof thrown) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return thrown.length > MAX_STRING_LENGTH
        ? `a string: ${JSON.stringify(thrown.slice(0, MAX_STRING_LENGTH))}…`
        : `a string: ${JSON.stringify(thrown)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `a ${typeof thrown}: ${String(thrown)}`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return describeObject(thrown as object | null);
  }
}

function describeObject(value: object | null): string {
  if (value === null) return 'null';
  try {
    if (value instanceof Error) return 'an Error whose fields cannot be read';
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === null) return 'a null-prototype object';
    if (Array.isArray(value)) return 'an array';
    const name: unknown = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object'
      ? `an object (${name.slice(0, 64)})`
      : 'an object';
  } catch {
    return 'an object that cannot be inspected';
  }
}
