/**
 * `npm run chaos`: the reliability harness. Prints the chaos table and writes it (JSON + markdown) to
 * `--report-dir` (default `docs/`); exits non-zero on any loss, duplicate effect or order violation.
 *
 *   npm run chaos                                   # 100,000 records, 3 kills, split + merge
 *   npm run chaos -- --records 5000 --kills 3       # a quick run
 *   npm run chaos -- --self-test                    # 500 records, 1 kill, one injected duplicate + reorder
 *
 * The self-test must turn the table red (exit 1) with `duplicated` 1 and `order violations` ≥ 1; it
 * writes no report files. Should the ledger miss either injection, it says so and exits 2.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { runChaos } from './run-chaos.js';

/** How the rows are computed, written under every report so it stands alone. */
const ROWS = `## How the rows are computed

Every committed effect appends one entry (record id, attempt id, invocation) to the ledger item of its
partition key, in the same DynamoDB transaction as the record's idempotency completion and with no
condition of its own — so a record applied twice appears twice, and the list is the order in which the
effects of that key committed.

- **applied exactly once**: records with exactly one entry in the ledger.
- **duplicated**: records with more than one entry (their effect committed more than once).
- **order violations**: pairs of entries of two different records of the same key whose order in the
  ledger is the opposite of the order in which the records entered their stream.
- **quarantined** / **on-failure**: records found in the quarantine bucket / in an on-failure record.
- **lost**: records with none of the three fates; **two fates for one record**: records with more than one.
- **poison applied**: poison records with an entry in the ledger.

\`npm run chaos -- --self-test\` injects exactly one duplicate and one reorder into the effects; it must
report duplicated 1 and order violations ≥ 1 and exit non-zero.`;

const program = new Command()
  .name('npm run chaos --')
  .option('--records <n>', 'records to write (self-test: 500)', (v) => Number(v), 100_000)
  .option('--kills <n>', 'kill -9 of the ESM worker (self-test: 1)', (v) => Number(v), 3)
  .option('--poison-rate <p>', 'poison records', (v) => Number(v), 0.01)
  .option('--transient-rate <p>', 'processor attempts that fail on purpose', (v) => Number(v), 0.05)
  .option('--throttle-rate <p>', 'DynamoDB requests throttled on purpose', (v) => Number(v), 0.02)
  .option('--keys <n>', 'partition keys per stream (self-test: 50)', (v) => Number(v), 500)
  .option('--seed <n>', 'random seed', (v) => Number(v), 1)
  .option('--self-test', 'inject one duplicate effect and one reorder: the table must turn red', false)
  .option('--data-dir <dir>', 'scratch data dir', '.shardflow/chaos')
  .option('--report-dir <dir>', 'where chaos-report.{json,md} go', 'docs')
  .option('--timeout <s>', 'give up after this many seconds', (v) => Number(v), 1800)
  .parse();
const selfTestDefaults = { records: 500, kills: 1, keys: 50 } as const;
if (program.getOptionValue('selfTest') === true) {
  for (const [name, value] of Object.entries(selfTestDefaults)) {
    if (program.getOptionValueSource(name) === 'default') program.setOptionValue(name, value);
  }
}
const opts = program.opts<{
  records: number;
  kills: number;
  poisonRate: number;
  transientRate: number;
  throttleRate: number;
  keys: number;
  seed: number;
  selfTest: boolean;
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
  selfTest: opts.selfTest,
  log: (line) => console.error(`[chaos] ${line}`),
});
for (const line of result.lines) console.log(line);
if (result.selfTest) {
  process.exitCode = result.selfTest.caught && !result.ok ? 1 : 2;
  console.log(
    process.exitCode === 1
      ? 'self-test: OK — the table is red with the injected duplicate and reorder (exit 1, as it must be)'
      : 'self-test: FAILED — the injected duplicate or reorder did not show (exit 2)',
  );
} else {
  const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const commit = revision();
  const date = new Date().toISOString();
  await mkdir(opts.reportDir, { recursive: true });
  await writeFile(
    join(opts.reportDir, 'chaos-report.json'),
    `${JSON.stringify({ command, commit, machine, date, options: opts, ok: result.ok, table: result.table }, null, 2)}\n`,
  );
  await writeFile(
    join(opts.reportDir, 'chaos-report.md'),
    `# Chaos run\n\nCommand: \`${command}\` · commit ${commit} · ${machine} · ${date}\n\n${result.lines.join('\n')}\n\n${ROWS}\n`,
  );
  process.exitCode = result.ok ? 0 : 1;
}

/** The commit the harness ran from (`-dirty` with uncommitted changes), or `unknown` outside git. */
function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? '-dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}
