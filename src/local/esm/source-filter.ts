import type { StreamRecord } from '../../runtime/records/stream-record.js';
import { compileRecordFilter, type EventPattern } from '../../runtime/routing/index.js';
import type { SourceRecord } from './ports.js';

/**
 * Compiles an ESM's `FilterCriteria` patterns into a test on source records, with Lambda's semantics:
 * patterns are ORed; Kinesis patterns see `{ partitionKey, …, data: <decoded JSON> }`, DynamoDB ones the
 * record (`eventName`, `dynamodb.NewImage.x.S` …); a Kinesis record whose data is not JSON fails every
 * pattern on `data`. KPL aggregates are filtered as the single Kinesis record Lambda sees (their bytes are
 * not JSON), not per user record. Returns `undefined` when there are no patterns.
 *
 * @example
 * ```ts
 * const passes = compileSourceFilter([{ data: { type: ['order'] } }]);
 * passes?.(record);
 * ```
 */
export function compileSourceFilter(
  patterns: readonly EventPattern[],
  path = 'filterPatterns',
): ((record: SourceRecord) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const test = compileRecordFilter([...patterns], path);
  return (record) => {
    const raw = record.lambdaRecord;
    if ('kinesis' in raw && raw.kinesis !== undefined) {
      const view = {
        source: 'kinesis',
        raw,
        partitionKey: raw.kinesis.partitionKey,
        json: () => JSON.parse(Buffer.from(raw.kinesis.data, 'base64').toString('utf8')) as unknown,
      };
      return test(view as unknown as StreamRecord);
    }
    return test({ source: 'dynamodb', raw } as unknown as StreamRecord);
  };
}
