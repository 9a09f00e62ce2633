import { runE2e } from '../e2e/run-e2e.js';
import { createProgress } from '../lib/progress.js';

const t = Date.now();
const r = await runE2e({
  batchSizes: [100],
  windowsSeconds: [0, 1],
  parallelizations: [1, 4],
  shards: 4,
  drainRecords: 20000,
  drainRounds: 2,
  offeredRate: 1000,
  loadSeconds: 5,
  progress: createProgress(),
});
for (const x of r.results)
  console.log(
    x.kind,
    x.batchSize,
    x.windowSeconds,
    x.parallelization,
    x.error ?? '',
    x.drain?.recordsPerSecond,
    x.drain?.invocations,
    x.load?.invocations,
    JSON.stringify(x.load?.latencyMs),
    x.ratioToCeiling,
  );
console.log('took', (Date.now() - t) / 1000);
