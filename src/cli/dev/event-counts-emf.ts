import { appendFileSync } from 'node:fs';
import { eventCountsEmf } from '../../local/esm/event-counts.js';
import type { LocalEventSourceMapping } from '../../local/esm/event-source-mapping.js';

/**
 * Appends one CloudWatch Embedded Metric Format line per mapping with its event counts (AWS's `EventCount`
 * metric names, the `EventSourceMappingUUID` dimension) to `file`, in namespace `shardflow/<service>`: what a
 * deployed mapping's `MetricsConfig` reports, so a local dashboard reads the same series. Counts are totals
 * since `dev` started. Synchronous: it also runs while `dev` stops.
 *
 * @example
 * ```ts
 * writeEventCountsEmf('.shardflow/data/dev-metrics.emf.ndjson', 'shop-analytics', run.mappings);
 * ```
 */
export function writeEventCountsEmf(
  file: string,
  service: string,
  mappings: ReadonlyMap<string, LocalEventSourceMapping>,
): void {
  const now = Date.now();
  const lines = [...mappings].map(([stream, mapping]) =>
    eventCountsEmf(
      `shardflow/${service}`,
      { uuid: mapping.uuid, functionName: `${service}-local-${stream}` },
      mapping.eventCounts(),
      now,
    ),
  );
  if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
}
