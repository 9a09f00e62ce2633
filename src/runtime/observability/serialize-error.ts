/*
 * pino's default `err` serializer (pino-std-serializers 7 `err`, with its `messageWithCauses` and
 * `stackWithCauses` from pony-cause; MIT), ported so that shardflow's lines serialize errors exactly as
 * pino's did: `type` (the constructor's name), `message` and `stack` with every cause appended
 * (`outer: inner`, `caused by: …`), `aggregateErrors` for an `AggregateError`, then the error's other
 * enumerable properties (nested errors serialized the same way, `cause` left out: it is in message and stack).
 */

/** What {@link serializeError} makes of an error: plain JSON-able fields. */
export interface SerializedError {
  type?: string | undefined;
  message?: string | undefined;
  stack?: string | undefined;
  aggregateErrors?: SerializedError[] | undefined;
  [field: string]: unknown;
}

/** Anything with a string `message` counts as an error, as in pino. */
export function isErrorLike(value: unknown): value is { message: string; stack?: unknown; cause?: unknown } {
  return Boolean(value) && typeof (value as { message?: unknown }).message === 'string';
}

function causeOf(error: { cause?: unknown }): { message: string; cause?: unknown } | undefined {
  const cause = error.cause;
  if (typeof cause === 'function') {
    const result: unknown = (error.cause as () => unknown)(); // VError-style `cause()`
    return isErrorLike(result) ? result : undefined;
  }
  return isErrorLike(cause) ? cause : undefined;
}

function stackWithCauses(error: unknown, seen: Set<unknown>): string {
  if (!isErrorLike(error)) return '';
  const stack = (error.stack as string | undefined) || '';
  if (seen.has(error)) return `${stack}\ncauses have become circular...`;
  const cause = causeOf(error);
  if (!cause) return stack;
  seen.add(error);
  return `${stack}\ncaused by: ${stackWithCauses(cause, seen)}`;
}

function messageWithCauses(error: unknown, seen: Set<unknown>, skip = false): string {
  if (!isErrorLike(error)) return '';
  const message = skip ? '' : error.message || '';
  if (seen.has(error)) return `${message}: ...`;
  const cause = causeOf(error);
  if (!cause) return message;
  seen.add(error);
  const vErrorStyle = typeof error.cause === 'function';
  return message + (vErrorStyle ? '' : ': ') + messageWithCauses(cause, seen, vErrorStyle);
}

/** Errors being serialized (pino tags them with a symbol for the same purpose: no endless recursion). */
const inProgress = new Set<unknown>();

/**
 * An error as pino writes it under `err`; anything that is not error-like is returned as it is.
 *
 * @example
 * ```ts
 * serializeError(new Error('store down', { cause: new Error('timeout') }));
 * // { type: 'Error', message: 'store down: timeout', stack: 'Error: store down\n    at …\ncaused by: Error: timeout\n…' }
 * ```
 */
export function serializeError(error: unknown): unknown {
  if (!isErrorLike(error)) return error;
  inProgress.add(error);
  try {
    const errorClass = (error as { constructor?: unknown }).constructor;
    const serialized: SerializedError = {
      type:
        Object.prototype.toString.call(errorClass) === '[object Function]'
          ? (errorClass as { name: string }).name
          : (error as { name?: string }).name,
      message: messageWithCauses(error, new Set()),
      stack: stackWithCauses(error, new Set()),
    };
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors))
      serialized.aggregateErrors = errors.map((item) => serializeError(item) as SerializedError);
    for (const key in error) {
      // pino's result object has a non-enumerable `raw` (the error itself), so a `raw` field is never copied.
      if (serialized[key] !== undefined || key === 'raw') continue;
      const value = (error as Record<string, unknown>)[key];
      if (isErrorLike(value)) {
        if (key !== 'cause' && !inProgress.has(value)) serialized[key] = serializeError(value);
      } else {
        serialized[key] = value;
      }
    }
    return serialized;
  } finally {
    inProgress.delete(error);
  }
}
