import { randomUUID } from 'node:crypto';
import type { LambdaContext as RuntimeLambdaContext } from '../../runtime/records/lambda-events.js';
import type { InvokeOutcome } from './interpret-response.js';
import { jsonCopy } from './json-copy.js';

/** A function the local ESM invokes: the same handler Lambda would run. */
export interface LocalFunction {
  readonly name: string;
  readonly arn: string;
  readonly timeoutMs: number;
  readonly memoryMB: number;
  readonly handler: (event: unknown, context: LambdaContext) => unknown;
}

/**
 * The Lambda context object the handler receives: every field Lambda's Node.js runtime provides (shardflow's
 * {@link RuntimeLambdaContext} is the part the handler reads).
 */
export interface LambdaContext extends RuntimeLambdaContext {
  readonly functionVersion: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
}

/** Options of {@link invokeFunction}. */
export interface InvokeOptions {
  /**
   * The event is already what crossing the JSON boundary makes of it: new objects of JSON data only
   * (equal to its own `JSON.parse(JSON.stringify(…))`), referenced by nothing else. It is passed as it is.
   */
  readonly eventCopied?: boolean;
}

/** One invocation's result. */
export interface Invocation {
  readonly requestId: string;
  readonly outcome: InvokeOutcome;
  readonly durationMs: number;
}

/**
 * Invokes a handler like Lambda does: the event and the response cross a JSON boundary (the handler
 * cannot share objects with the ESM, `undefined` becomes `null`; {@link jsonCopy} gives the result of
 * the JSON round trip without the text), the context carries a request id and
 * `getRemainingTimeInMillis()` honouring the function timeout, and a run past the timeout is a
 * `timeout` outcome. In-process, a timed-out handler cannot be killed: its late result is ignored.
 *
 * @example
 * ```ts
 * const { outcome } = await invokeFunction(fn, { Records: [...] });
 * ```
 */
export async function invokeFunction(
  fn: LocalFunction,
  event: unknown,
  options: InvokeOptions = {},
): Promise<Invocation> {
  const requestId = randomUUID();
  const started = performance.now();
  const deadline = Date.now() + fn.timeoutMs;
  const context: LambdaContext = {
    awsRequestId: requestId,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memoryMB),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const payload = options.eventCopied === true ? event : jsonCopy(event);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<InvokeOutcome>((resolve) => {
    timer = setTimeout(resolve, fn.timeoutMs, { kind: 'timeout', timeoutMs: fn.timeoutMs });
  });
  const run = runHandler(fn, payload, context);
  try {
    const outcome = await Promise.race([run, timeout]);
    return { requestId, outcome, durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** The handler's outcome: its response as it comes back across the JSON boundary, or what it threw. */
async function runHandler(fn: LocalFunction, payload: unknown, context: LambdaContext): Promise<InvokeOutcome> {
  try {
    const value = await fn.handler(payload, context);
    return { kind: 'returned', value: value === undefined ? null : jsonCopy(value) };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    return { kind: 'threw', error };
  }
}
