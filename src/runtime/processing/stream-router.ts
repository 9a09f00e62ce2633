import type { AnyProcessor } from '../config/processor.js';
import type { StreamConfig } from '../config/types.js';
import { createRouter, type Router } from '../routing/index.js';

/** A stream's compiled routes and the distinct processors they reach. */
export interface StreamRouter {
  readonly router: Router<AnyProcessor>;
  /** Every processor some route of the stream targets, once each, in route order. */
  readonly processors: readonly AnyProcessor[];
}

/**
 * Compiles a stream's `routes` into a router whose targets are processors: a route naming its processor
 * by string is resolved through `processorsByName`. The batch engine routes every record with it, and
 * `shardflow destinations redrive` uses the same router to find which processor a discarded record
 * reaches.
 *
 * @throws {Error} when a route names a processor that is not in `processorsByName` (validateConfig
 *   rejects such configs first)
 *
 * @example
 * ```ts
 * const { router } = createStreamRouter('orders', config.streams.orders, config.processorsByName);
 * router.route(record)?.target.name; // 'order-facts'
 * ```
 */
export function createStreamRouter(
  streamName: string,
  stream: Pick<StreamConfig, 'routes'>,
  processorsByName: ReadonlyMap<string, AnyProcessor>,
): StreamRouter {
  const routes = stream.routes.map((route) => {
    const processor = typeof route.processor === 'string' ? processorsByName.get(route.processor) : route.processor;
    if (processor === undefined) throw new Error(`unresolved processor ${String(route.processor)}`);
    return { match: route.match, target: processor };
  });
  return {
    router: createRouter(routes, `streams.${streamName}.routes`),
    processors: [...new Set(routes.map((route) => route.target))],
  };
}
