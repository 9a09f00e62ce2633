import { profileShardflow } from '../micro/profile.js';

for (const [s, b] of [
  ['kinesis', 100],
  ['dynamodb', 100],
] as const) {
  const p = await profileShardflow(s, b, 4000);
  console.log(s, b, p.recordsPerSecond);
  console.log(
    p.self
      .slice(0, 22)
      .map((e) => `${e.percent.toFixed(1).padStart(5)} ${e.function} ${e.location}`)
      .join('\n'),
  );
  console.log('--');
  console.log(
    p.inclusiveSrc
      .slice(0, 25)
      .map((e) => `${e.percent.toFixed(1).padStart(5)} ${e.function} ${e.location}`)
      .join('\n'),
  );
}
