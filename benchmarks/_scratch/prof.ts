import { dynamodbBenchEvent, kinesisBenchEvent } from '../lib/fixtures.js';
import { LAMBDA_CONTEXT, shardflowBenchHandler } from '../micro/contenders.js';

const source = (process.argv[2] ?? 'kinesis') as 'kinesis' | 'dynamodb';
const h = shardflowBenchHandler(source);
const ev = source === 'kinesis' ? kinesisBenchEvent(1000) : dynamodbBenchEvent(1000);
for (let i = 0; i < 50; i++) await h(ev, LAMBDA_CONTEXT);
const t = performance.now();
let n = 0;
while (performance.now() - t < 4000) {
  await h(ev, LAMBDA_CONTEXT);
  n++;
}
console.log(((n * 1000) / ((performance.now() - t) / 1000)).toFixed(0), 'rec/s');
