import type { LocalFunction } from '../local/esm/invoke-function.js';
import { LOCAL_ACCOUNT_ID } from '../local/esm/local-runner.js';
import { resolveEsmSettings } from '../local/esm/settings.js';
import type { ShardflowConfig } from '../runtime/config/types.js';
import type { StreamHandler } from '../runtime/handler.js';
import type { BatchResult } from '../runtime/processing/batch-engine.js';

/** A {@link LocalFunction} whose handler keeps the engine's detailed result of each invocation. */
export interface ObservedFunction {
  readonly fn: LocalFunction;
  /** The result of the last invocation that returned (`undefined` before one, or when the handler threw). */
  lastResult(): BatchResult | undefined;
}

/**
 * Wraps a stream's handler as the function Lambda would run — named `<service>-<stream>`, with the
 * stream's timeout and memory size — invoking `handler.run` so the per-record outcomes stay available
 * to the CLI while the function returns the Lambda response.
 *
 * @example
 * ```ts
 * const { fn, lastResult } = observedFunction(config, 'clicks', createHandler(config, 'clicks'), 'us-east-1');
 * const { outcome } = await invokeFunction(fn, event);
 * lastResult()?.outcomes;
 * ```
 */
export function observedFunction(
  config: ShardflowConfig,
  stream: string,
  handler: StreamHandler,
  region: string,
): ObservedFunction {
  const settings = resolveEsmSettings(config.streams[stream]!);
  const name = `${config.service}-${stream}`;
  let last: BatchResult | undefined;
  const fn: LocalFunction = {
    name,
    arn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}`,
    timeoutMs: settings.timeoutSeconds * 1000,
    memoryMB: settings.memorySize,
    handler: async (event, context) => {
      last = undefined;
      const result = await handler.run(event, context);
      last = result;
      return result.response;
    },
  };
  return { fn, lastResult: () => last };
}
