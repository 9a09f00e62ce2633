import { createProgress } from '../lib/progress.js';
import { runMicro } from '../micro/run-micro.js';

const r = await runMicro({
  sources: ['kinesis', 'dynamodb'],
  batchSizes: [1, 10, 100, 1000],
  timeMs: 400,
  warmupMs: 200,
  rounds: 1,
  progress: createProgress(),
});
for (const x of r.results)
  console.log(x.source, x.batchSize, x.contender.padEnd(18), x.recordsPerSecond, x.rmePercent, x.samples, x.correct);
console.log(r.ratios);
