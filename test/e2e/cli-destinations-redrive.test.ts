import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig } from '../../src/local/emulators/s3-local.js';
import { makeProject, removeProject, runCli, SHARDFLOW, startCli } from './fixtures/cli-harness.js';
import { putClicks, summaryOf } from './fixtures/put-clicks.js';

// The scenario, through the real bin on the emulators: a Kinesis stream with maxRetries 0, an S3
// on-failure destination (s3rver), an idempotent processor (DynamoDB Local holds its idempotency table) that
// throws for two marked clicks while `fail.flag` exists. One `shardflow dev --data-dir` run discards the
// batch from the first failed click (n=2) to its end: 8 records, of which 5 (n=3, 4, 6, 8, 9) were applied;
// n=5 failed and n=7 (same user as n=5) was blocked behind it. Every application is appended to
// effects.ndjson. Each test works on its own copy of that run's project.

/** n=7 shares its user (partition key) with n=5; n=2 and n=5 are marked to fail. */
const CLICKS = Array.from({ length: 10 }, (_, n) => ({
  user: `u-${n === 7 ? 5 : n}`,
  n,
  ...(n === 2 || n === 5 ? { poison: true } : {}),
}));
const APPLIED_BY_DEV = [0, 1, 3, 4, 6, 8, 9];
const DATA = ['--data-dir', 'data'];

function project(idempotency: string): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'redrive-e2e', private: true, type: 'module' }),
    'shardflow.config.ts': `import { defineConfig } from '${SHARDFLOW}';
import clicks from './processors/clicks.js';

export default defineConfig({
  service: 'redrive-e2e',
  processors: [clicks],
  streams: {
    clicks: {
      source: { type: 'kinesis', stream: 'clicks', shards: 1 },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 10,
      batchWindowSeconds: 1,
      maxRetries: 0,
      timeoutSeconds: 30,
      onFailure: { type: 's3', bucket: 'clicks-failures' },
      idempotency: { table: 'clicks-idempotency' },
      routes: [{ processor: 'clicks' }],
    },
  },
});
`,
    'processors/clicks.ts': processor(idempotency),
  };
}

function processor(idempotency: string): string {
  return `import { appendFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { defineProcessor, TransientError } from '${SHARDFLOW}';

export default defineProcessor({
  name: 'clicks',
  schema: z.object({ user: z.string(), n: z.number(), poison: z.boolean().optional() }),
  idempotency: ${idempotency},
  process(click) {
    if (click.poison && existsSync('fail.flag')) throw new TransientError(\`analytics store rejects click \${click.n}\`);
    appendFileSync('effects.ndjson', JSON.stringify({ n: click.n, user: click.user }) + '\\n');
  },
});
`;
}

const BUSINESS_KEY = "{ key: (click) => 'click:' + click.n }";

let golden: string;
let copies: string;

/** Waits until the bucket holds an on-failure record (the dev run has discarded the batch). */
async function untilOnFailureRecord(endpoint: string): Promise<void> {
  const client = new S3Client(localS3ClientConfig(endpoint));
  try {
    for (;;) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'clicks-failures', Prefix: 'aws/lambda/' }));
      if ((listed.KeyCount ?? 0) > 0) return;
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
}

/** The clicks applied so far, in the order they were applied. */
async function effects(dir: string): Promise<number[]> {
  const file = join(dir, 'effects.ndjson');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).n as number);
}

function times(applied: readonly number[], n: number): number {
  return applied.filter((m) => m === n).length;
}

beforeAll(async () => {
  golden = await makeProject({ ...project(BUSINESS_KEY), 'fail.flag': '' });
  copies = await mkdtemp(join(tmpdir(), 'shardflow-redrive-copies-'));
  const dev = startCli(['dev', ...DATA], golden);
  const [, kinesis] = await dev.waitForOutput(/^ {2}kinesis +(http:\S+)$/m);
  const [, s3] = await dev.waitForOutput(/^ {2}s3 +(http:\S+)$/m);
  await dev.waitForOutput(/^ready: /m);
  await putClicks(kinesis!, CLICKS);
  await untilOnFailureRecord(s3!);
  dev.child.kill('SIGINT');
  const result = await dev.exited;
  expect(result.code).toBe(0);
  expect(summaryOf(result.stdout, 'clicks')).toMatchObject({ read: 10, discarded: 8, invocations: 1 });
  expect((await effects(golden)).sort((a, b) => a - b)).toEqual(APPLIED_BY_DEV);
}, 90_000);

afterAll(async () => {
  await removeProject(golden);
  await rm(copies, { recursive: true, force: true });
});

/** A copy of the dev run's project, with the processor fixed (no fail.flag) and its idempotency as given. */
async function copy(name: string, idempotency = BUSINESS_KEY, fixed = true): Promise<string> {
  const dir = join(copies, name);
  await cp(golden, dir, { recursive: true, verbatimSymlinks: true });
  if (fixed) await rm(join(dir, 'fail.flag'));
  await writeFile(join(dir, 'processors', 'clicks.ts'), processor(idempotency));
  return dir;
}

async function list(dir: string): Promise<string[]> {
  const result = await runCli(['destinations', 'list', 'clicks', ...DATA], dir);
  expect(result.code).toBe(0);
  return result.stdout.split('\n').filter((line) => line.startsWith('aws/lambda/'));
}

describe('shardflow destinations redrive: safe by default, and traced', () => {
  it('refuses to re-invoke through a processor that is not idempotent; --allow-duplicates re-runs all 8 (5 twice)', {
    timeout: 120_000,
  }, async () => {
    // Arrange
    const dir = await copy('not-idempotent', 'false');

    // Act
    const refused = await runCli(['destinations', 'redrive', 'clicks', '--all', '--mode', 'invoke', ...DATA], dir);
    const afterRefusal = await effects(dir);
    const allowed = await runCli(
      ['destinations', 'redrive', 'clicks', '--all', '--mode', 'invoke', '--allow-duplicates', ...DATA],
      dir,
    );

    // Assert
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^RedriveDuplicatesError: refusing to redrive stream 'clicks' with --mode invoke: processor 'clicks' \(8 record\(s\)\) is not idempotent, so it cannot tell the records it already applied\. .* or pass --allow-duplicates to redrive anyway$/m,
    );
    expect([...afterRefusal].sort((a, b) => a - b)).toEqual(APPLIED_BY_DEV);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain(
      "warning: --allow-duplicates: processor 'clicks' (not idempotent) re-runs 8 record(s) without a duplicate check",
    );
    expect(allowed.stdout).toContain('8 re-invoked, 0 skipped as already applied');
    const applied = await effects(dir);
    expect([3, 4, 6, 8, 9].map((n) => times(applied, n))).toEqual([2, 2, 2, 2, 2]);
    expect([2, 5, 7].map((n) => times(applied, n))).toEqual([1, 1, 1]);
  });

  it('skips the 5 records the idempotency store proves applied and re-invokes the 3 others once; list shows the status; a second redrive is a no-op; --again re-runs it', {
    timeout: 150_000,
  }, async () => {
    // Arrange
    const dir = await copy('idempotent');
    const [before] = await list(dir);
    const key = before!.split(/\s+/)[0]!;

    // Act
    const first = await runCli(['destinations', 'redrive', 'clicks', '--all', '--mode', 'invoke', ...DATA], dir);
    const [after] = await list(dir);
    const show = await runCli(['destinations', 'show', 'clicks', key, ...DATA], dir);
    const second = await runCli(['destinations', 'redrive', 'clicks', '--all', ...DATA], dir);
    const appliedBeforeAgain = await effects(dir);
    const again = await runCli(['destinations', 'redrive', 'clicks', '--key', key, '--again', ...DATA], dir);

    // Assert
    expect(before).toMatch(/ +8 +\S+ +-$/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`redrive ${key}: 8 record(s) from the payload`);
    expect(first.stdout).toContain(
      'idempotency store (table clicks-idempotency): 5 of 8 record(s) already applied: skipped',
    );
    expect(first.stdout).toContain('batch 1/1 (3 record(s)): response {"batchItemFailures":[]}');
    expect(first.stdout).toContain(
      `redriven: 3 re-invoked, 5 skipped as already applied · recorded: s3://clicks-failures/${key}.redrive.json`,
    );
    expect(first.stdout).toContain(
      'records: 8 described · 3 re-invoked · 5 skipped as already applied · 0 no longer in the stream',
    );
    expect([...appliedBeforeAgain].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(after).toMatch(/ +8 +\S+ +redriven \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ by \S+$/);
    expect(show.code).toBe(0);
    expect(show.stderr).toMatch(
      /^redrive: redriven \S+ by \S+ \(shardflow destinations redrive clicks --all --mode invoke --data-dir data: (3 processed, 5 already-applied|5 already-applied, 3 processed)\)$/m,
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`already redriven ${key}: redriven `);
    expect(second.stdout).toContain(
      'nothing to redrive: 1 on-failure record(s) already redriven (pass --again to redrive them again)',
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('8 of 8 record(s) already applied: skipped');
    expect(again.stdout).toContain('redriven: 0 re-invoked, 8 skipped as already applied');
    expect(await effects(dir)).toEqual(appliedBeforeAgain);
  });

  it('records a redrive that failed again as failed; once fixed, a plain redrive handles it', {
    timeout: 120_000,
  }, async () => {
    // Arrange: the processor still throws for the marked clicks.
    const dir = await copy('still-broken', BUSINESS_KEY, false);

    // Act
    const failed = await runCli(['destinations', 'redrive', 'clicks', '--all', ...DATA], dir);
    const [afterFailure] = await list(dir);
    await rm(join(dir, 'fail.flag'));
    const fixed = await runCli(['destinations', 'redrive', 'clicks', '--all', ...DATA], dir);

    // Assert
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('5 of 8 record(s) already applied: skipped');
    expect(failed.stdout).toContain('failed: 3 re-invoked, 5 skipped as already applied');
    expect(afterFailure).toMatch(/ +failed \S+ by \S+$/);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('redriven: 3 re-invoked, 5 skipped as already applied');
    const applied = await effects(dir);
    expect([...applied].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('shardflow destinations redrive --mode put', () => {
  it('refuses a processor keyed by record identity (a record put back gets a new one)', {
    timeout: 60_000,
  }, async () => {
    // Arrange
    const dir = await copy('put-identity', 'true');

    // Act
    const result = await runCli(['destinations', 'redrive', 'clicks', '--all', '--mode', 'put', ...DATA], dir);

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^RedriveDuplicatesError: refusing to redrive stream 'clicks' with --mode put: processor 'clicks' \(8 record\(s\)\) keys idempotency by record identity, which a record put back changes \(new sequence number\)\. .*give it a business key \(idempotency: \{ key \}\), or pass --allow-duplicates/m,
    );
  });

  it('puts back only the 3 records not yet applied, in their original order, and the next dev run applies them in that order', {
    timeout: 150_000,
  }, async () => {
    // Arrange
    const dir = await copy('put-business-key');

    // Act
    const put = await runCli(['destinations', 'redrive', 'clicks', '--all', '--mode', 'put', ...DATA], dir);
    const [listed] = await list(dir);
    const dev = startCli(['dev', ...DATA], dir);
    await dev.waitForOutput(/^ready: /m);
    // The batch is done (checkpointed) once the status line counts its 3 records, not when they ran.
    await dev.waitForOutput(/^status clicks .* done 3 /m);
    dev.child.kill('SIGINT');
    const consumed = await dev.exited;

    // Assert
    expect(put.code).toBe(0);
    expect(put.stdout).toContain('5 of 8 record(s) already applied: skipped');
    expect(put.stdout).toMatch(/^ {2}put 3 record\(s\) onto Kinesis stream clicks: sequence numbers \d+…\d+$/m);
    expect(put.stdout).toContain('redriven: 3 put back, 5 skipped as already applied');
    expect(listed).toMatch(/ +redriven \S+ by \S+$/);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(summaryOf(consumed.stdout, 'clicks')).toMatchObject({ read: 3, discarded: 0 });
    const applied = await effects(dir);
    const redriven = applied.slice(APPLIED_BY_DEV.length);
    expect([...redriven].sort((a, b) => a - b)).toEqual([2, 5, 7]);
    // n=5 and n=7 share a partition key (u-5): applied in their original order. (Other keys run concurrently.)
    expect(redriven.indexOf(5)).toBeLessThan(redriven.indexOf(7));
    expect([...applied].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
