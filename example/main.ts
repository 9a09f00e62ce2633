/**
 * `npm start`: the example CDC → analytics pipeline end to end on embedded emulators.
 *
 *   npm start                         # default size (20,000 records), fresh data dir, exits when done
 *   npm start -- --records 100000     # scale the load
 *   npm start -- --keep-running       # leave emulators and mappings up afterwards (Ctrl-C to stop)
 *   npm start -- --data-dir DIR --resume   # process again on an existing data dir (idempotency check)
 */
import { Command, InvalidArgumentError } from 'commander';
import config from '../shardflow.config.js';
import { app } from './app.js';
import { runExample } from './run-example.js';

const integer = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const fraction = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
};

const options = new Command()
  .name('npm start --')
  .description('the shardflow example: orders CDC and clickstream → analytics, on embedded emulators')
  .option('--records <n>', 'stream records to generate (≈ ⅓ order changes, ⅔ clicks)', integer, 20_000)
  .option('--poison-rate <p>', 'fraction of poison records', fraction, 0.01)
  .option('--seed <n>', 'random seed of the generated load', integer, 42)
  .option(
    '--data-dir <dir>',
    'keep emulator data, checkpoints and on-failure records on disk here (default: in memory)',
  )
  .option('--resume', 'with --data-dir: keep its data and checkpoints, generate no new load', false)
  .option('--keep-running', 'leave everything running after the report (Ctrl-C to stop)', false)
  .option('--progress <mode>', 'auto | plain | none', 'auto')
  .parse()
  .opts<{
    records: number;
    poisonRate: number;
    seed: number;
    dataDir?: string;
    resume: boolean;
    keepRunning: boolean;
    progress: 'auto' | 'plain' | 'none';
  }>();

if (options.resume && options.dataDir === undefined) {
  console.error('--resume needs --data-dir (the data of an earlier run)');
  process.exit(2);
}

const { result, run, emulators, stop } = await runExample(config, app, {
  records: options.records,
  poisonRate: options.poisonRate,
  seed: options.seed,
  dataDir: options.dataDir ?? '.shardflow/example',
  persistent: options.dataDir !== undefined,
  fresh: !options.resume,
  generate: !options.resume,
  progress: options.progress,
});
for (const line of result.lines) console.log(line);

if (options.keepRunning) {
  console.log('\nstill running — emulators:');
  for (const [service, endpoint] of Object.entries(emulators.endpoints))
    console.log(`  ${service.padEnd(9)} ${endpoint}`);
  console.log(
    `  export AWS_ENDPOINT_URL_KINESIS=${emulators.endpoints.kinesis} AWS_ENDPOINT_URL_DYNAMODB=${emulators.endpoints.dynamodb} AWS_ENDPOINT_URL_S3=${emulators.endpoints.s3}`,
  );
  console.log(`  export AWS_REGION=${emulators.region} AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER`);
  console.log(`  mappings: ${[...run.mappings.keys()].join(', ')} — Ctrl-C to stop`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}
await stop();
process.exitCode = result.ok ? 0 : 1;
