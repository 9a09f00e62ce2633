import { setTimeout as sleep } from 'node:timers/promises';
import type { LambdaStreamRecord, SourceRecord, StreamBatchInfo, StreamSource } from '../../local/esm/ports.js';
import { ReadThrottledError } from '../../local/esm/sources/index.js';
import { compareSequenceNumbers } from '../../runtime/processing/sequence-number.js';

/** Options of {@link readSequenceRange}. */
export interface ReadSequenceRangeOptions {
  /** The mapping's filter: records it drops were never in the batch. */
  readonly filter?: ((record: SourceRecord) => boolean) | undefined;
  /** GetRecords page size. Default 1000. */
  readonly pageSize?: number;
  /** Give up after this many empty pages in a row (an open shard's tip). Default 5. */
  readonly maxEmptyPages?: number;
  /** Pause between empty or throttled reads. Default 200 ms. */
  readonly pauseMs?: number;
}

/**
 * Reads the records an on-failure record describes back from the stream: from `startSequenceNumber`
 * (`AT_SEQUENCE_NUMBER`) through `endSequenceNumber` of its shard, skipping records the mapping's filter
 * drops, stopping once `batchSize` records are found, the end is passed, or the shard has nothing more.
 * Fewer records than `batchSize` come back when the stream has trimmed some (retention: 24 h for
 * DynamoDB Streams, 24 h to 365 days for Kinesis). Throttled reads are retried after a pause.
 *
 * @example
 * ```ts
 * const info = record.KinesisBatchInfo ?? record.DDBStreamBatchInfo!;
 * const records = await readSequenceRange(source, info);
 * await handler({ Records: records });
 * ```
 */
export async function readSequenceRange(
  source: StreamSource,
  info: StreamBatchInfo,
  options: ReadSequenceRangeOptions = {},
): Promise<LambdaStreamRecord[]> {
  const pageSize = options.pageSize ?? 1000;
  const maxEmptyPages = options.maxEmptyPages ?? 5;
  const pauseMs = options.pauseMs ?? 200;
  const found: LambdaStreamRecord[] = [];
  let iterator: string | undefined = await source.getIterator(info.shardId, {
    type: 'AT_SEQUENCE_NUMBER',
    sequenceNumber: info.startSequenceNumber,
  });
  let emptyPages = 0;
  while (iterator !== undefined) {
    let page: Awaited<ReturnType<StreamSource['read']>>;
    try {
      page = await source.read(iterator, pageSize);
    } catch (error) {
      if (!(error instanceof ReadThrottledError)) throw error;
      await sleep(pauseMs);
      continue;
    }
    for (const record of page.records) {
      const order = compareSequenceNumbers(record.sequenceNumber, info.endSequenceNumber);
      if (order > 0) return found;
      if (options.filter === undefined || options.filter(record)) found.push(record.lambdaRecord);
      if (order === 0 || found.length >= info.batchSize) return found;
    }
    if (page.records.length === 0) {
      if (page.millisBehindLatest === 0 || ++emptyPages >= maxEmptyPages) return found;
      await sleep(pauseMs);
    } else {
      emptyPages = 0;
    }
    iterator = page.nextIterator;
  }
  return found;
}
