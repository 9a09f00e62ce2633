/**
 * `npm run chaos`: the reliability harness. Prints the chaos table and writes it (JSON + markdown) to
 * `--report-dir` (default `docs/`); exits non-zero on any loss, duplicate effect or order violation.
 *
 *   npm run chaos                                   # 100,000 records, 3 kills, split + merge
 *   npm run chaos -- --records 5000 --kills 3       # a quick run
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { runChaos } from './run-chaos.js';

const opts = new Command()
  .name('npm run chaos --')
  .option('--records <n>', 'records to write', (v) => Number(v), 100_000)
  .option('--kills <n>', 'kill -9 of the ESM worker', (v) => Number(v), 3)
  .option('--poison-rate <p>', 'poison records', (v) => Number(v), 0.01)
  .option('--transient-rate <p>', 'processor attempts that fail on purpose', (v) => Number(v), 0.05)
  .option('--throttle-rate <p>', 'DynamoDB requests throttled on purpose', (v) => Number(v), 0.02)
  .option('--keys <n>', 'partition keys per stream', (v) => Number(v), 500)
  .option('--seed <n>', 'random seed', (v) => Number(v), 1)
  .option('--data-dir <dir>', 'scratch data dir', '.shardflow/chaos')
  .option('--report-dir <dir>', 'where chaos-report.{json,md} go', 'docs')
  .option('--timeout <s>', 'give up after this many seconds', (v) => Number(v), 1800)
  .parse()
  .opts<{
    records: number;
    kills: number;
    poisonRate: number;
    transientRate: number;
    throttleRate: number;
    keys: number;
    seed: number;
    dataDir: string;
    reportDir: string;
    timeout: number;
  }>();

const result = await runChaos({
  records: opts.records,
  kills: opts.kills,
  dataDir: opts.dataDir,
  poisonRate: opts.poisonRate,
  transientRate: opts.transientRate,
  throttleRate: opts.throttleRate,
  kinesisShare: 0.8,
  keys: opts.keys,
  seed: opts.seed,
  reshard: true,
  timeoutMs: opts.timeout * 1000,
  log: (line) => console.error(`[chaos] ${line}`),
});
for (const line of result.lines) console.log(line);
const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
await mkdir(opts.reportDir, { recursive: true });
await writeFile(
  join(opts.reportDir, 'chaos-report.json'),
  `${JSON.stringify({ command, machine, date: new Date().toISOString(), options: opts, ok: result.ok, table: result.table }, null, 2)}\n`,
);
await writeFile(
  join(opts.reportDir, 'chaos-report.md'),
  `# Chaos run\n\nCommand: \`${command}\` · ${machine} · ${new Date().toISOString()}\n\n${result.lines.join('\n')}\n`,
);
process.exitCode = result.ok ? 0 : 1;
