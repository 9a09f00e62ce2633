import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of a latency distribution, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * An HDR histogram of latencies in milliseconds (1 ms to 1 h, 3 significant digits), recorded as
 * integers: sub-millisecond latencies count as 0 ms.
 *
 * @example
 * ```ts
 * const latency = new LatencyHistogram();
 * latency.record(12.4);
 * latency.summary().p99; // 12
 * ```
 */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

  /** Records one latency (negative values, from clock skew, count as 0). */
  record(ms: number): void {
    this.#histogram.recordValue(Math.max(0, Math.round(ms)));
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  /** p50/p90/p99/max/mean; all 0 when nothing was recorded. */
  summary(): LatencySummary {
    const h = this.#histogram;
    if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50),
      p90: h.getValueAtPercentile(90),
      p99: h.getValueAtPercentile(99),
      max: h.maxValue,
      mean: Math.round(h.mean * 10) / 10,
    };
  }
}
