import { startEmulators } from '../../src/esm/emulators/index.js';
import { runCloud } from '../cloud/run-cloud.js';
import { emulatedTarget } from '../cloud/targets.js';
import { createProgress } from '../lib/progress.js';

const t = Date.now();
const emulators = await startEmulators(
  { streams: {} },
  { services: ['kinesis', 'dynamodb'], createResources: false, handleSignals: false },
);
console.log('emulators', Date.now() - t);
try {
  const r = await runCloud({
    target: emulatedTarget(emulators),
    stage: 'bench',
    memorySizes: [128, 1769],
    rate: 100,
    durationSeconds: 3,
    keep: false,
    progress: createProgress(),
  });
  console.log(JSON.stringify(r, null, 1).slice(0, 3000));
} finally {
  await emulators.stop();
}
console.log('took', Date.now() - t);
