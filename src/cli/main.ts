import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import type { ShardflowConfig } from '../config/types.js';
import { runDemo } from './demo/run-demo.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

async function loadDefault<T>(file: string): Promise<T> {
  const module = (await import(pathToFileURL(resolve(file)).href)) as { default: T };
  return module.default;
}

const program = new Command()
  .name('shardflow')
  .description('Typed, stream-correct Kinesis and DynamoDB Streams processing for AWS Lambda');

program
  .command('demo')
  .description("run the example app's handlers over generated AWS-shaped events and reconcile the results")
  .option('--config <file>', 'shardflow config', 'shardflow.config.ts')
  .option('--orders <n>', 'orders to generate (each makes 1–4 change records)', integer, 3000)
  .option('--clicks <n>', 'click records to generate', integer, 30000)
  .option('--poison-rate <p>', 'fraction of poison records', fraction, 0.01)
  .option('--transient-rate <p>', 'fraction of downstream writes that fail once', fraction, 0.02)
  .option('--seed <n>', 'random seed', integer, 42)
  .option('--out <dir>', 'where quarantine files and logs go', '.shardflow/demo')
  .action(async (options) => {
    const config = await loadDefault<ShardflowConfig>(options.config);
    const { analytics } = (await import(pathToFileURL(resolve('processors/analytics-store.ts')).href)) as {
      analytics: Parameters<typeof runDemo>[1];
    };
    const report = await runDemo(config, analytics, {
      orders: options.orders,
      clicks: options.clicks,
      poisonRate: options.poisonRate,
      transientRate: options.transientRate,
      seed: options.seed,
      outDir: options.out,
    });
    for (const line of report.lines) console.log(line);
    process.exitCode = report.ok ? 0 : 1;
  });

await program.parseAsync(process.argv);
