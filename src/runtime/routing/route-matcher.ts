import type { StreamRecord, StreamSourceType } from '../records/stream-record.js';
import { InvalidRouteMatchError } from './errors.js';
import { compilePattern } from './event-pattern.js';
import { NOT_JSON, readJsonData } from './filter-view.js';
import { keyPath } from './pattern-path.js';
import type { EventPattern } from './pattern-types.js';
import { compileRecordFilter, type RecordFilter } from './record-filter.js';

/**
 * When a route applies to a record. Every given field must hold (AND); an absent `match` always holds.
 * Patterns use the AWS event-filter syntax (see `compilePattern`).
 */
export interface RouteMatch {
  source?: StreamSourceType;
  /** Kinesis stream name(s) or DynamoDB table name(s). */
  stream?: string | readonly string[];
  /** DynamoDB `INSERT` / `MODIFY` / `REMOVE`; for Kinesis `aws:kinesis:record`. */
  eventName?: string | readonly string[];
  /** Event pattern on the unmarshalled keys (DynamoDB) or `{ partitionKey }` (Kinesis). */
  keys?: EventPattern | string;
  /** Event pattern on the decoded payload: Kinesis JSON data, or the DynamoDB unmarshalled NewImage (OldImage when there is no NewImage). */
  payload?: EventPattern | string;
  /** Raw AWS filter pattern(s) on the filter view (`toFilterView`): the exact syntax of ESM FilterCriteria; several are ORed. */
  filter?: RecordFilter;
  /** Escape hatch, evaluated last. An exception it throws propagates to the caller. */
  predicate?: (record: StreamRecord) => boolean;
}

/** A compiled route match. */
export type RecordMatcher = (record: StreamRecord) => boolean;

const MATCH_FIELDS = new Set(['source', 'stream', 'eventName', 'keys', 'payload', 'filter', 'predicate']);
const SOURCES: readonly StreamSourceType[] = ['kinesis', 'dynamodb'];
/** The event names records carry, and the source whose records carry each. */
export const EVENT_NAMES: Readonly<Record<string, StreamSourceType>> = {
  INSERT: 'dynamodb',
  MODIFY: 'dynamodb',
  REMOVE: 'dynamodb',
  'aws:kinesis:record': 'kinesis',
};

const ALWAYS: RecordMatcher = () => true;

function fail(path: string, message: string): never {
  throw new InvalidRouteMatchError(path, message);
}

/**
 * Compiles a route's `match` into a test on decoded records. All validation and pattern compilation
 * happen here; the returned function only compares and walks precompiled closures, in cost order
 * (source, stream, eventName, keys, payload, filter, predicate). A payload or filter pattern on a Kinesis
 * record whose data is not JSON does not match (it never throws).
 *
 * @param match the route's match block; `undefined` matches every record
 * @param path where the block sits in the configuration, for error messages
 * @example
 * ```ts
 * const isPaidOrder = compileRouteMatch({
 *   source: 'dynamodb',
 *   stream: 'orders',
 *   eventName: ['INSERT', 'MODIFY'],
 *   payload: { status: ['PAID'], totalCents: [{ numeric: ['>', 0] }] },
 * });
 * isPaidOrder(record); // boolean
 * ```
 */
export function compileRouteMatch(match: RouteMatch | undefined, path = 'match'): RecordMatcher {
  if (match === undefined) return ALWAYS;
  if (match === null || typeof match !== 'object' || Array.isArray(match))
    fail(path, 'a route match must be an object');
  for (const key of Object.keys(match)) {
    if (!MATCH_FIELDS.has(key)) {
      fail(keyPath(path, key), `unknown match field "${key}"; expected one of ${[...MATCH_FIELDS].join(', ')}`);
    }
  }
  const checks: RecordMatcher[] = [];
  const source = match.source;
  if (source !== undefined) {
    if (!SOURCES.includes(source))
      fail(keyPath(path, 'source'), `must be "kinesis" or "dynamodb", got ${JSON.stringify(source)}`);
    checks.push((record) => record.source === source);
  }
  if (match.stream !== undefined) checks.push(streamCheck(nameList(match.stream, keyPath(path, 'stream'))));
  if (match.eventName !== undefined) {
    const eventPath = keyPath(path, 'eventName');
    const names = nameList(match.eventName, eventPath);
    for (const name of names) {
      const nameSource = EVENT_NAMES[name];
      if (nameSource === undefined) {
        fail(eventPath, `unknown event name "${name}"; expected INSERT, MODIFY, REMOVE or aws:kinesis:record`);
      }
      if (source !== undefined && nameSource !== source) {
        fail(eventPath, `"${name}" is a ${nameSource} event name; a ${source} record never has it`);
      }
    }
    checks.push(eventNameCheck(names));
  }
  if (match.keys !== undefined) checks.push(keysCheck(compilePattern(match.keys, keyPath(path, 'keys'))));
  if (match.payload !== undefined) checks.push(payloadCheck(compilePattern(match.payload, keyPath(path, 'payload'))));
  if (match.filter !== undefined) checks.push(compileRecordFilter(match.filter, keyPath(path, 'filter')));
  if (match.predicate !== undefined) {
    if (typeof match.predicate !== 'function')
      fail(keyPath(path, 'predicate'), 'must be a function (record) => boolean');
    const predicate = match.predicate;
    checks.push((record) => predicate(record) === true);
  }
  return allOf(checks);
}

function nameList(value: unknown, path: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) fail(path, 'must be a string or an array of strings');
  if (list.length === 0) fail(path, 'empty arrays are not allowed');
  list.forEach((name, i) => {
    if (typeof name !== 'string' || name === '') fail(`${path}[${i}]`, 'must be a non-empty string');
  });
  return list as string[];
}

function streamNameOf(record: StreamRecord): string {
  return record.source === 'kinesis' ? record.streamName : record.tableName;
}

function streamCheck(names: readonly string[]): RecordMatcher {
  if (names.length === 1) {
    const only = names[0];
    return (record) => streamNameOf(record) === only;
  }
  const set = new Set(names);
  return (record) => set.has(streamNameOf(record));
}

function eventNameCheck(names: readonly string[]): RecordMatcher {
  if (names.length === 1) {
    const only = names[0];
    return (record) => record.eventName === only;
  }
  const set = new Set<string>(names);
  return (record) => set.has(record.eventName);
}

function keysCheck(matches: (value: unknown) => boolean): RecordMatcher {
  // Reused for Kinesis so that matching allocates nothing; matchers are synchronous and pure.
  const kinesisKeys = { partitionKey: '' };
  return (record) => {
    if (record.source === 'dynamodb') return matches(record.keys);
    kinesisKeys.partitionKey = record.partitionKey;
    return matches(kinesisKeys);
  };
}

function payloadCheck(matches: (value: unknown) => boolean): RecordMatcher {
  return (record) => {
    if (record.source === 'dynamodb') return matches(record.newImage ?? record.oldImage);
    const data = readJsonData(record);
    return data !== NOT_JSON && matches(data);
  };
}

function allOf(checks: readonly RecordMatcher[]): RecordMatcher {
  switch (checks.length) {
    case 0:
      return ALWAYS;
    case 1:
      return checks[0] as RecordMatcher;
    case 2: {
      const [first, second] = checks as [RecordMatcher, RecordMatcher];
      return (record) => first(record) && second(record);
    }
    default:
      return (record) => {
        for (let i = 0; i < checks.length; i++) if (!(checks[i] as RecordMatcher)(record)) return false;
        return true;
      };
  }
}
