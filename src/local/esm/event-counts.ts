import type { LocalFunction } from './invoke-function.js';

/**
 * The event counts of one event source mapping, as AWS publishes them when the mapping has
 * `MetricsConfig: { Metrics: ['EventCount'] }` — so a local run and a deployed stage read alike.
 */
export interface EsmEventCounts {
  /** Records read from the source (`PolledEventCount`). */
  readonly polled: number;
  /** Records the mapping's filter criteria dropped before any invocation (`FilteredOutEventCount`). */
  readonly filteredOut: number;
  /** Records sent to the function, retries included (`InvokedEventCount`). */
  readonly invoked: number;
  /** Records of invocations that failed: the function threw or timed out (`FailedInvokeEventCount`). */
  readonly failedInvoke: number;
  /** Records given up on after their retries or record age ran out (`DroppedEventCount`). */
  readonly dropped: number;
  /** Records whose on-failure record reached the destination (`OnFailureDestinationDeliveredEventCount`). */
  readonly onFailureDelivered: number;
}

/**
 * AWS's metric name of each count (namespace `AWS/Lambda`, dimension `EventSourceMappingUUID`).
 *
 * @example
 * ```ts
 * ESM_EVENT_COUNT_METRICS.dropped; // 'DroppedEventCount'
 * ```
 */
export const ESM_EVENT_COUNT_METRICS: Readonly<Record<keyof EsmEventCounts, string>> = {
  polled: 'PolledEventCount',
  filteredOut: 'FilteredOutEventCount',
  invoked: 'InvokedEventCount',
  failedInvoke: 'FailedInvokeEventCount',
  dropped: 'DroppedEventCount',
  onFailureDelivered: 'OnFailureDestinationDeliveredEventCount',
};

/**
 * Counts what a local mapping invokes, fails, drops and delivers (polled and filtered-out records are the
 * mapping's existing read counters). It wraps the mapping's function rather than living inside the shard
 * consumers, so the ESM's own code only hands it the function and the discards.
 *
 * @example
 * ```ts
 * const counter = new EsmEventCounter();
 * const fn = counter.countInvocations(localFunction);
 * counter.counts({ polled: 10, filteredOut: 2 }); // { polled: 10, filteredOut: 2, invoked: …, … }
 * ```
 */
export class EsmEventCounter {
  #invoked = 0;
  #failedInvoke = 0;
  #dropped = 0;
  #onFailureDelivered = 0;

  /**
   * The same function, counting the records of every invocation and of those that throw or run past the
   * function's timeout (each invocation counted as failed at most once).
   */
  countInvocations(fn: LocalFunction): LocalFunction {
    return {
      ...fn,
      handler: async (event, context) => {
        const records = (event as { Records?: unknown[] } | null)?.Records?.length ?? 0;
        this.#invoked += records;
        let failed = false;
        const fail = () => {
          if (!failed) this.#failedInvoke += records;
          failed = true;
        };
        const timer = setTimeout(fail, fn.timeoutMs);
        try {
          return await fn.handler(event, context);
        } catch (error) {
          fail();
          throw error;
        } finally {
          clearTimeout(timer);
        }
      },
    };
  }

  /** Records given up on (before any delivery attempt). */
  dropped(records: number): void {
    this.#dropped += records;
  }

  /** Records whose on-failure record was stored by the destination. */
  delivered(records: number): void {
    this.#onFailureDelivered += records;
  }

  /** A snapshot, with the mapping's read counters. */
  counts(read: { readonly polled: number; readonly filteredOut: number }): EsmEventCounts {
    return {
      polled: read.polled,
      filteredOut: read.filteredOut,
      invoked: this.#invoked,
      failedInvoke: this.#failedInvoke,
      dropped: this.#dropped,
      onFailureDelivered: this.#onFailureDelivered,
    };
  }
}

/**
 * One CloudWatch Embedded Metric Format line of a mapping's event counts, with AWS's metric names and its
 * `EventSourceMappingUUID` dimension (plus the function name), in the namespace given (EMF cannot write to
 * `AWS/…`): a local dashboard built on it shows the same series as the deployed mapping's.
 *
 * @example
 * ```ts
 * console.log(eventCountsEmf('shardflow', { uuid, functionName: 'shop-dev-orders' }, counts, Date.now()));
 * ```
 */
export function eventCountsEmf(
  namespace: string,
  mapping: { readonly uuid: string; readonly functionName: string },
  counts: EsmEventCounts,
  timestamp: number,
): string {
  const metrics = Object.entries(ESM_EVENT_COUNT_METRICS) as [keyof EsmEventCounts, string][];
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['EventSourceMappingUUID', 'FunctionName']],
          Metrics: metrics.map(([, name]) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    EventSourceMappingUUID: mapping.uuid,
    FunctionName: mapping.functionName,
    ...Object.fromEntries(metrics.map(([key, name]) => [name, counts[key]])),
  });
}
