import { InvalidPatternError } from './errors.js';
import { compileLeaf } from './leaf-matcher.js';
import { indexPath, keyPath } from './pattern-path.js';
import type { CompiledMatcher, EventPattern } from './pattern-types.js';

export type {
  AnythingButOperand,
  EventPattern,
  IgnoreCaseOperand,
  PatternLiteral,
  PatternOperator,
  PatternRule,
} from './pattern-types.js';

/** A compiled pattern: `true` when the value matches. Pure, synchronous, never throws. */
export type PatternMatcher = (value: unknown) => boolean;

/** Options of {@link compileFilterCriteria}. */
export interface FilterCriteriaOptions {
  /** Where the patterns sit in the configuration, for error messages. Default `filterCriteria`. */
  readonly path?: string;
  /** Lambda allows 5 filters per event source mapping by default, 10 with a quota increase. Default 5. */
  readonly maxPatterns?: number;
}

/** Lambda's default number of filters per event source mapping. */
export const DEFAULT_MAX_FILTERS = 5;
/** The most filters Lambda allows per event source mapping, after a quota increase. */
export const MAX_FILTERS_WITH_QUOTA_INCREASE = 10;

const OR_KEY = '$or';

/** Field names Event Ruler refuses inside `$or` branches (they look like operators there). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
]);

/**
 * Keys whose plain `obj[key]` read could return an inherited member (`constructor`, `size`, `length`…)
 * instead of "absent". Only these pay for an `Object.hasOwn` check on the hot path.
 */
const INHERITED_NAMES = [Object.prototype, Array.prototype, Set.prototype, Map.prototype, Uint8Array.prototype];

function isInheritedName(key: string): boolean {
  return INHERITED_NAMES.some((proto) => key in proto);
}

interface ObjectNode extends CompiledMatcher {
  /** The test on a value already known to be a non-array object. */
  readonly matchObject: (value: Record<string, unknown>) => boolean;
}

function fail(path: string, message: string): never {
  throw new InvalidPatternError(path, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns the pattern as an object, parsing it first when given as the JSON string Lambda's
 * `FilterCriteria.Filters[].Pattern` holds.
 *
 * @example
 * ```ts
 * parsePattern('{ "data": { "type": ["buy"] } }'); // { data: { type: ['buy'] } }
 * ```
 */
export function parsePattern(pattern: EventPattern | string, path = 'pattern'): EventPattern {
  if (typeof pattern !== 'string') return pattern;
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch (error) {
    fail(path, `the pattern is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) fail(path, 'a pattern must be a JSON object');
  return parsed as EventPattern;
}

/**
 * Compiles an AWS event pattern (EventBridge content filtering, as used by Lambda `FilterCriteria`) into a
 * matcher, once. The pattern is validated here; a malformed pattern throws {@link InvalidPatternError}
 * whose `path` points at the offending part.
 *
 * Semantics follow AWS: fields are ANDed, leaf alternatives ORed, `$or` takes two or more sub-patterns;
 * exact values match the same JSON type only (`"5"` ≠ `5`); when an event value is an array, the leaf
 * matches if any element does, and a nested pattern must match within a single element; `exists` looks
 * at leaves only (`null` is a value that exists; an object is not a leaf).
 *
 * @param pattern the pattern object, or its JSON text
 * @param path where the pattern sits in the configuration, used in error messages
 * @example
 * ```ts
 * const matches = compilePattern({ data: { order: { type: ['buy'], quantity: [{ numeric: ['>', 0, '<=', 1000] }] } } });
 * matches({ data: { record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } } }); // true
 * ```
 */
export function compilePattern(pattern: EventPattern | string, path = 'pattern'): PatternMatcher {
  return compileObject(parsePattern(pattern, path), path, false).test;
}

/**
 * Compiles Lambda `FilterCriteria` patterns: a value passes when any pattern matches. At most 5 patterns
 * (Lambda's default quota) unless `maxPatterns` says otherwise (up to 10, the raised quota).
 *
 * @example
 * ```ts
 * const passes = compileFilterCriteria([{ eventName: ['INSERT'] }, { eventName: ['MODIFY'] }]);
 * passes({ eventName: 'MODIFY' }); // true
 * ```
 */
export function compileFilterCriteria(
  patterns: readonly (EventPattern | string)[],
  options: FilterCriteriaOptions = {},
): PatternMatcher {
  const path = options.path ?? 'filterCriteria';
  const max = options.maxPatterns ?? DEFAULT_MAX_FILTERS;
  if (!Number.isInteger(max) || max < 1 || max > MAX_FILTERS_WITH_QUOTA_INCREASE) {
    fail(path, `maxPatterns must be an integer from 1 to ${MAX_FILTERS_WITH_QUOTA_INCREASE}, got ${max}`);
  }
  if (!Array.isArray(patterns)) fail(path, 'filter criteria must be an array of patterns');
  if (patterns.length === 0) fail(path, 'empty arrays are not allowed: give at least one pattern');
  if (patterns.length > max)
    fail(path, `at most ${max} patterns are allowed per filter criteria, got ${patterns.length}`);
  const matchers = patterns.map((pattern, i) => compilePattern(pattern, indexPath(path, i)));
  return anyOf(matchers);
}

/**
 * ORs compiled matchers without allocating per call.
 *
 * @example
 * ```ts
 * anyOf([compilePattern({ a: [1] }), compilePattern({ b: [2] })])({ b: 2 }); // true
 * ```
 */
export function anyOf(matchers: readonly PatternMatcher[]): PatternMatcher {
  if (matchers.length === 1) return matchers[0] as PatternMatcher;
  return (value) => {
    for (let i = 0; i < matchers.length; i++) if ((matchers[i] as PatternMatcher)(value)) return true;
    return false;
  };
}

/**
 * Whether a pattern constrains the given top-level field, directly or through a top-level `$or` branch.
 * Lambda drops a Kinesis record whose data is not JSON when its pattern constrains `data`.
 *
 * @example
 * ```ts
 * referencesTopLevelField({ $or: [{ data: { a: [1] } }, { partitionKey: ['k'] }] }, 'data'); // true
 * ```
 */
export function referencesTopLevelField(pattern: EventPattern, field: string): boolean {
  if (Object.hasOwn(pattern, field)) return true;
  const branches = pattern[OR_KEY];
  return (
    Array.isArray(branches) &&
    branches.some((branch) => isPlainObject(branch) && referencesTopLevelField(branch as EventPattern, field))
  );
}

function compileObject(pattern: unknown, path: string, insideOr: boolean): ObjectNode {
  if (!isPlainObject(pattern)) fail(path, 'a pattern must be an object');
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail(path, 'empty objects are not allowed');
  const fieldKeys: string[] = [];
  const fieldTests: ((value: unknown) => boolean)[] = [];
  const fieldGuards: boolean[] = [];
  const orGroups: ObjectNode[][] = [];
  let whenMissing = true;
  for (const key of keys) {
    const value = pattern[key];
    const childPath = keyPath(path, key);
    if (key === OR_KEY) {
      const group = compileOr(value, childPath);
      orGroups.push(group);
      whenMissing &&= group.some((branch) => branch.whenMissing);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(childPath, `"${key}" is a reserved operator name and cannot be a field name inside $or`);
    }
    let child: CompiledMatcher;
    if (Array.isArray(value)) child = compileLeaf(value, childPath);
    else if (isPlainObject(value)) child = compileObject(value, childPath, insideOr);
    else fail(childPath, 'must be a nested pattern (object) or an array of values to match');
    fieldKeys.push(key);
    fieldTests.push(child.test);
    fieldGuards.push(isInheritedName(key));
    whenMissing &&= child.whenMissing;
  }
  return objectNode(fieldKeys, fieldTests, fieldGuards, orGroups, whenMissing);
}

function compileOr(value: unknown, path: string): ObjectNode[] {
  if (!Array.isArray(value)) fail(path, '$or must be an array of at least 2 patterns');
  if (value.length < 2) fail(path, `$or needs at least 2 patterns, found ${value.length}`);
  return value.map((branch, i) => {
    const branchPath = indexPath(path, i);
    if (!isPlainObject(branch)) fail(branchPath, 'only objects (patterns) are allowed in $or');
    return compileObject(branch, branchPath, true);
  });
}

function objectNode(
  keys: readonly string[],
  tests: readonly ((value: unknown) => boolean)[],
  guards: readonly boolean[],
  orGroups: readonly ObjectNode[][],
  whenMissing: boolean,
): ObjectNode {
  const fieldCount = keys.length;
  const orCount = orGroups.length;

  const matchObject = (object: Record<string, unknown>): boolean => {
    for (let i = 0; i < fieldCount; i++) {
      const key = keys[i] as string;
      const value = guards[i] && !Object.hasOwn(object, key) ? undefined : object[key];
      if (!(tests[i] as (value: unknown) => boolean)(value)) return false;
    }
    for (let g = 0; g < orCount; g++) {
      const branches = orGroups[g] as ObjectNode[];
      let matched = false;
      for (let b = 0; b < branches.length; b++) {
        if ((branches[b] as ObjectNode).matchObject(object)) {
          matched = true;
          break;
        }
      }
      if (!matched) return false;
    }
    return true;
  };

  // An array in the event: the whole sub-pattern must match inside one element (AWS array consistency);
  // elements that are not objects provide none of the fields, like an absent object.
  const matchArray = (array: readonly unknown[]): boolean => {
    if (array.length === 0) return whenMissing;
    for (let i = 0; i < array.length; i++) {
      const element = array[i];
      if (element !== null && typeof element === 'object') {
        if (Array.isArray(element) ? matchArray(element) : matchObject(element as Record<string, unknown>)) return true;
      } else if (whenMissing) {
        return true;
      }
    }
    return false;
  };

  const test = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object') return whenMissing;
    if (Array.isArray(value)) return matchArray(value);
    return matchObject(value as Record<string, unknown>);
  };

  return { test, whenMissing, matchObject };
}
