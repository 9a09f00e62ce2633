import { runE2e } from '../e2e/run-e2e.js';
import { silentProgress } from '../lib/progress.js';
for (let k = 0; k < 2; k++) {
const r = await runE2e({ batchSizes: [100], windowsSeconds: [0], parallelizations: [1], shards: 4, drainRecords: 4000, drainRounds: 1, offeredRate: 1000, loadSeconds: 10, progress: silentProgress });
for (const x of r.results) console.log(x.kind, x.drain?.recordsPerSecond, x.load?.invocations, JSON.stringify(x.load?.latencyMs));
}
