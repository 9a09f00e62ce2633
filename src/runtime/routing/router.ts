import type { StreamRecord } from '../records/stream-record.js';
import { InvalidRouteMatchError } from './errors.js';
import { indexPath, keyPath } from './pattern-path.js';
import { compileRouteMatch, type RecordMatcher, type RouteMatch } from './route-matcher.js';

/** A route: when `match` holds (always, when absent), records go to `target`. */
export interface Route<T> {
  readonly match?: RouteMatch | undefined;
  readonly target: T;
}

/** The route a record took: its target and its position in the route list. */
export interface RouteResult<T> {
  readonly target: T;
  readonly index: number;
}

/** A compiled route table. */
export interface Router<T> {
  /** The first route whose match holds for `record`, or `undefined` when none does. Allocates nothing. */
  route(record: StreamRecord): RouteResult<T> | undefined;
}

/**
 * Compiles an ordered route table; the first matching route wins. Every `match` is validated and
 * compiled here (errors name the route, e.g. `routes[1].match.payload.status`), so routing a record only
 * runs precompiled tests and returns a result object built once per route.
 *
 * @param routes the routes, in priority order
 * @param path where the routes sit in the configuration, for error messages
 * @example
 * ```ts
 * const router = createRouter([
 *   { match: { eventName: ['INSERT', 'MODIFY'] }, target: 'order-facts' },
 *   { match: { eventName: 'REMOVE' }, target: 'order-tombstones' },
 * ]);
 * router.route(record)?.target; // 'order-facts' for an INSERT
 * ```
 */
export function createRouter<T>(routes: readonly Route<T>[], path = 'routes'): Router<T> {
  if (!Array.isArray(routes)) throw new InvalidRouteMatchError(path, 'routes must be an array');
  const matchers: RecordMatcher[] = [];
  const results: RouteResult<T>[] = [];
  routes.forEach((route, index) => {
    const routePath = indexPath(path, index);
    if (route === null || typeof route !== 'object')
      throw new InvalidRouteMatchError(routePath, 'a route must be an object');
    matchers.push(compileRouteMatch(route.match, keyPath(routePath, 'match')));
    results.push(Object.freeze({ target: route.target, index }));
  });
  const count = matchers.length;
  return {
    route(record) {
      for (let i = 0; i < count; i++) if ((matchers[i] as RecordMatcher)(record)) return results[i];
      return undefined;
    },
  };
}
