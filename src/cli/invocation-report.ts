import type { Invocation } from '../local/esm/invoke-function.js';
import type { BatchResult } from '../runtime/processing/batch-engine.js';
import { formatFateCounts, formatOutcomes } from './format-outcomes.js';

/** How one invocation of a stream handler went, ready to print. */
export interface InvocationReport {
  /** `true` when the handler returned (partial failures included). */
  readonly returned: boolean;
  /** What Lambda would return: the response, or `{ errorType, errorMessage }` when it threw or timed out. */
  readonly response: unknown;
  /** The outcome table and counts (returned), or one `Name: message` line (threw / timed out). */
  readonly details: string;
}

/**
 * Turns an invocation and the engine's result into what the CLI prints: the response JSON as Lambda
 * would return it, and the per-record outcomes (fate, error name and message) with fate counts.
 *
 * @example
 * ```ts
 * const invocation = await invokeFunction(fn, event);
 * const report = reportInvocation(invocation, lastResult());
 * process.stdout.write(`${JSON.stringify(report.response, null, 2)}\n`);
 * process.stderr.write(`${report.details}\n`);
 * ```
 */
export function reportInvocation(invocation: Invocation, result: BatchResult | undefined): InvocationReport {
  const { outcome } = invocation;
  if (outcome.kind === 'returned') {
    const details =
      result === undefined
        ? 'no per-record outcomes (the handler returned without running the engine)'
        : `${formatOutcomes(result.outcomes)}\n${formatFateCounts(result.counts)}`;
    return { returned: true, response: outcome.value, details };
  }
  if (outcome.kind === 'threw') {
    const message = outcome.error.message.split('\n')[0] ?? '';
    return {
      returned: false,
      response: { errorType: outcome.error.name, errorMessage: outcome.error.message },
      details: `${outcome.error.name}: ${message}`,
    };
  }
  const message = `Task timed out after ${(outcome.timeoutMs / 1000).toFixed(2)} seconds`;
  return {
    returned: false,
    response: { errorType: 'Sandbox.Timedout', errorMessage: `${invocation.requestId} ${message}` },
    details: `Sandbox.Timedout: ${message}`,
  };
}
