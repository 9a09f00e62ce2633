import { randomUUID } from 'node:crypto';
import type { LambdaContext } from '../../runtime/records/lambda-events.js';

/** Fields of a {@link lambdaContext} to set; an `undefined` one keeps its default. */
export type LambdaContextOverrides = { readonly [K in keyof LambdaContext]?: LambdaContext[K] | undefined };

/** The time budget of a {@link lambdaContext} when none is given: a 60 s function timeout. */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A Lambda context object for tests: a fresh `awsRequestId`, function `shardflow-test`, and a
 * `getRemainingTimeInMillis()` that counts down from 60 s from the moment it is created (as a function
 * with a 60 s timeout does from the start of its invocation). Any field can be overridden; override
 * `getRemainingTimeInMillis` to put a record close to the deadline.
 *
 * @example
 * ```ts
 * import { lambdaContext, runProcessor } from 'shardflow/testing';
 *
 * const context = lambdaContext({ functionName: 'orders', getRemainingTimeInMillis: () => 1_000 });
 * const run = await runProcessor(orderFacts, event, { context }); // under the 2 s margin: records are deferred
 * ```
 */
export function lambdaContext(overrides: LambdaContextOverrides = {}): LambdaContext {
  const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
  const functionName = overrides.functionName ?? 'shardflow-test';
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...definedFields(overrides),
  };
}

/** `fields` without the keys whose value is `undefined` (so that they do not replace a default). */
function definedFields<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
