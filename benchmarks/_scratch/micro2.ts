import { silentProgress } from '../lib/progress.js';
import { runMicro } from '../micro/run-micro.js';

const r = await runMicro({
  sources: ['kinesis', 'dynamodb'],
  batchSizes: [10, 100],
  timeMs: 1000,
  warmupMs: 500,
  rounds: 3,
  progress: silentProgress,
});
for (const x of r.results)
  console.log(
    x.source,
    x.batchSize,
    x.contender.padEnd(18),
    x.recordsPerSecond,
    x.roundsRecordsPerSecond.join(' '),
    x.rmePercent,
  );
console.log(r.ratios.map((x) => [x.source, x.batchSize, x.vsHandLoop, x.vsPowertoolsParser, x.vsPowertoolsPlain]));
