import { createProgress } from '../lib/progress.js';
import { runMemory } from '../memory/run-memory.js';

const r = await runMemory({
  memorySizes: [128, 256, 512, 1024, 1769, 3008],
  batchSize: 100,
  warmupBatches: 300,
  baselineMs: 3000,
  limitedMs: 3000,
  progress: createProgress(),
});
for (const p of r.points)
  console.log(
    p.memoryMB,
    p.basis,
    p.error ?? '',
    JSON.stringify(p.figures),
    'mod',
    p.modelled.meanMs,
    p.cpuMsPerBatch,
    JSON.stringify(p.throttling),
    p.peakMemoryMB,
    p.workerRssMB,
  );
console.log(r.mode, r.modeDetail, r.costOptimalMB, r.speedOptimalMB);
