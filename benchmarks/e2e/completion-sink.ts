import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { AnyProcessor } from '../../src/runtime/config/processor.js';
import { defineProcessor } from '../../src/runtime/config/processor.js';
import { BenchEvent } from '../lib/fixtures.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';

/** The benchmark payload as the end-to-end processors validate it: the 1 KB event plus its put time. */
export const TimedBenchEvent = BenchEvent.extend({ putAtMs: z.number() });

/**
 * Completions counted during one phase of a run (the drain of a backlog, or a load at a fixed rate):
 * distinct records, duplicates, first and last completion, latency histograms.
 *
 * @example
 * ```ts
 * const phase = new CompletionPhase();
 * phase.record('evt-1', putAtMs, Date.now());
 * await phase.waitFor(1, 1000);
 * ```
 */
export class CompletionPhase {
  /** Latency of records put from `steadyFromMs` on (all records when it is 0). */
  readonly latency = new LatencyHistogram();
  /** Latency of every record, including those put while the poller went from idle to active polling. */
  readonly latencyWithOnset = new LatencyHistogram();
  /** Put time from which records count as steady state. */
  steadyFromMs = 0;
  readonly #seen = new Set<string>();
  count = 0;
  duplicates = 0;
  firstMs = 0;
  lastMs = 0;

  record(eventId: string, putAtMs: number, now: number): void {
    if (this.#seen.has(eventId)) this.duplicates++;
    else this.#seen.add(eventId);
    this.count++;
    if (this.firstMs === 0) this.firstMs = now;
    this.lastMs = now;
    this.latencyWithOnset.record(now - putAtMs);
    if (putAtMs >= this.steadyFromMs) this.latency.record(now - putAtMs);
  }

  /** Distinct records completed. */
  get unique(): number {
    return this.#seen.size;
  }

  /** Resolves once `expected` distinct records completed; rejects after `timeoutMs`. */
  async waitFor(expected: number, timeoutMs: number): Promise<void> {
    const started = Date.now();
    while (this.unique < expected) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`only ${this.unique} of ${expected} records completed within ${timeoutMs} ms`);
      }
      await sleep(10);
    }
  }
}

/**
 * The no-op sink of the end-to-end suite: processors report each record's completion here (its clock
 * at completion minus the producer's `putAtMs`), counted per phase.
 *
 * @example
 * ```ts
 * const sink = new CompletionSink();
 * const drain = sink.begin();
 * // … records flow through `sink.processor` …
 * await drain.waitFor(10_000, 60_000);
 * ```
 */
export class CompletionSink {
  #phase = new CompletionPhase();

  /** Starts a new phase: later completions count there. */
  begin(): CompletionPhase {
    this.#phase = new CompletionPhase();
    return this.#phase;
  }

  /** A processor that stamps each record's completion into the current phase. */
  readonly processor: AnyProcessor = defineProcessor({
    name: 'completion-sink',
    schema: TimedBenchEvent,
    process: (event) => {
      this.#phase.record(event.eventId, event.putAtMs, Date.now());
    },
  });
}
