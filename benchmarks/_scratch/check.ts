import { dynamodbBenchEvent, kinesisBenchEvent } from '../lib/fixtures.js';
import { createContenders } from '../micro/contenders.js';

for (const source of ['kinesis', 'dynamodb'] as const) {
  const event = source === 'kinesis' ? kinesisBenchEvent(10) : dynamodbBenchEvent(10);
  for (const c of createContenders(source)) {
    const r = await c.run(event);
    console.log(source, c.id, JSON.stringify(r).slice(0, 200));
  }
  for (const n of [100, 1000]) {
    const ev = source === 'kinesis' ? kinesisBenchEvent(n) : dynamodbBenchEvent(n);
    for (const c of createContenders(source)) {
      const t = performance.now();
      for (let k = 0; k < 3; k++) await c.run(ev);
      const ms = (performance.now() - t) / 3;
      console.log(source, n, c.id, ((n / ms) * 1000).toFixed(0), 'rec/s');
    }
  }
}
console.log(
  JSON.stringify(kinesisBenchEvent(1).Records[0]).length,
  Buffer.from(kinesisBenchEvent(1).Records[0]!.kinesis.data, 'base64').length,
);
