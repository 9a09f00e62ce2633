/**
 * The declarative router: AWS event-filter patterns compiled once into closures, route matches on decoded
 * stream records, and a first-match-wins route table.
 *
 * @example
 * ```ts
 * import { createRouter } from './routing/index.js';
 * const router = createRouter([{ match: { source: 'kinesis', payload: { type: ['click'] } }, target: 'clicks' }]);
 * ```
 */
export { InvalidPatternError, InvalidRouteMatchError } from './errors.js';
export {
  anyOf,
  compileFilterCriteria,
  compilePattern,
  DEFAULT_MAX_FILTERS,
  type FilterCriteriaOptions,
  MAX_FILTERS_WITH_QUOTA_INCREASE,
  type PatternMatcher,
  parsePattern,
  referencesTopLevelField,
} from './event-pattern.js';
export { type FilterView, type KinesisFilterView, toFilterView } from './filter-view.js';
export type {
  AnythingButOperand,
  EventPattern,
  IgnoreCaseOperand,
  PatternLiteral,
  PatternOperator,
  PatternRule,
} from './pattern-types.js';
export { compileRecordFilter, type RecordFilter } from './record-filter.js';
export { compileRouteMatch, EVENT_NAMES, type RecordMatcher, type RouteMatch } from './route-matcher.js';
export { createRouter, type Route, type RouteResult, type Router } from './router.js';
