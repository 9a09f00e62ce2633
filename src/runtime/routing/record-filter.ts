import type { StreamRecord } from '../records/stream-record.js';
import { InvalidPatternError } from './errors.js';
import {
  anyOf,
  compilePattern,
  DEFAULT_MAX_FILTERS,
  type PatternMatcher,
  parsePattern,
  referencesTopLevelField,
} from './event-pattern.js';
import { type KinesisFilterView, NOT_JSON, readJsonData, writeKinesisFilterView } from './filter-view.js';
import { indexPath } from './pattern-path.js';
import type { EventPattern } from './pattern-types.js';

/** One pattern, or up to five ORed (Lambda `FilterCriteria`); objects or their JSON text. */
export type RecordFilter = EventPattern | string | readonly (EventPattern | string)[];

/**
 * Compiles raw AWS filter pattern(s) into a test on decoded records, with the exact behaviour of an event
 * source mapping's `FilterCriteria`: patterns see the record's filter view (see `toFilterView`); several
 * patterns are ORed; a Kinesis record whose data is not JSON fails every pattern that constrains `data`
 * but may still pass a metadata-only pattern. The view is written into one reused object, so matching
 * allocates nothing.
 *
 * @example
 * ```ts
 * const passes = compileRecordFilter({ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } });
 * passes(record); // true for an INSERT whose new image has status "PAID"
 * ```
 */
export function compileRecordFilter(filter: RecordFilter, path = 'filter'): (record: StreamRecord) => boolean {
  const isList = Array.isArray(filter);
  const list = (isList ? filter : [filter]) as readonly (EventPattern | string)[];
  if (list.length === 0) throw new InvalidPatternError(path, 'empty arrays are not allowed: give at least one pattern');
  if (list.length > DEFAULT_MAX_FILTERS) {
    throw new InvalidPatternError(path, `at most ${DEFAULT_MAX_FILTERS} patterns are allowed, got ${list.length}`);
  }
  const patterns = list.map((pattern, i) => parsePattern(pattern, isList ? indexPath(path, i) : path));
  const matchers = patterns.map((pattern, i) => compilePattern(pattern, isList ? indexPath(path, i) : path));
  const usesData = patterns.map((pattern) => referencesTopLevelField(pattern, 'data'));
  const anyUsesData = usesData.includes(true);
  const matchRaw = anyOf(matchers);
  const view: KinesisFilterView = {
    kinesisSchemaVersion: '',
    partitionKey: '',
    sequenceNumber: '',
    approximateArrivalTimestamp: 0,
    data: undefined,
  };

  return (record) => {
    if (record.source === 'dynamodb') return matchRaw(record.raw);
    const data = anyUsesData ? readJsonData(record) : undefined;
    writeKinesisFilterView(view, record, data);
    let matched = false;
    for (let i = 0; i < matchers.length && !matched; i++) {
      if (data === NOT_JSON && usesData[i]) continue;
      matched = (matchers[i] as PatternMatcher)(view);
    }
    view.data = undefined; // do not keep the last record's payload alive
    return matched;
  };
}
