import { setTimeout as sleep } from 'node:timers/promises';
import { invokeFunction, type LocalFunction } from '../../src/local/esm/invoke-function.js';
import type { StreamSource } from '../../src/local/esm/ports.js';
import type { PollingOptions } from '../../src/local/esm/shard-consumer.js';

/** Options of {@link startEsmPathLoop}. */
export interface EsmPathLoopOptions {
  readonly source: StreamSource;
  readonly fn: LocalFunction;
  readonly batchSize: number;
  /** The same read cadence as the local ESM: `idleMs` after an empty page, at least `activeMs` between reads. */
  readonly polling: Pick<PollingOptions, 'idleMs' | 'activeMs'>;
}

/** A running ESM-path loop. */
export interface EsmPathLoop {
  /** Invocations so far. */
  readonly invocations: () => number;
  stop(): Promise<void>;
}

/**
 * A second reference of the end-to-end suite (not the ceiling: that is the lean loop of `lean-loop.ts`):
 * per shard, GetRecords from TRIM_HORIZON (up to 10 000 records per call) and invoke the function on each
 * `batchSize` slice in turn, through the same {@link StreamSource} and {@link invokeFunction} as the local
 * ESM, so with their record building and the invoke's copy of the event across the JSON boundary. No batching window,
 * no checkpoints, no retries, no parallelization, no response interpretation; it only keeps Kinesis's
 * read cadence (≤ 5 GetRecords/s/shard), as the local ESM does.
 *
 * @example
 * ```ts
 * const loop = await startEsmPathLoop({ source, fn, batchSize: 100, polling: { idleMs: 1000, activeMs: 200 } });
 * // … records flow …
 * await loop.stop();
 * ```
 */
export async function startEsmPathLoop(options: EsmPathLoopOptions): Promise<EsmPathLoop> {
  const controller = new AbortController();
  const { signal } = controller;
  let invocations = 0;
  const shards = await options.source.listShards();
  const pause = (ms: number) => sleep(ms, undefined, { signal }).catch(() => {});
  const loops = shards.map(async (shard) => {
    let iterator: string | undefined = await options.source.getIterator(shard.shardId, { type: 'TRIM_HORIZON' });
    while (!signal.aborted && iterator !== undefined) {
      const readAt = Date.now();
      const page = await options.source.read(iterator, 10_000);
      for (let i = 0; i < page.records.length && !signal.aborted; i += options.batchSize) {
        const slice = page.records.slice(i, i + options.batchSize);
        invocations++;
        await invokeFunction(options.fn, { Records: slice.map((record) => record.lambdaRecord) });
      }
      iterator = page.nextIterator;
      if (page.records.length === 0) await pause(options.polling.idleMs);
      else await pause(options.polling.activeMs - (Date.now() - readAt));
    }
  });
  return {
    invocations: () => invocations,
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
    },
  };
}
