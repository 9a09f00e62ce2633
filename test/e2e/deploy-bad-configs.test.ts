import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerValidate, runValidate } from '../../src/cli/commands/validate.js';
import { FIXTURES, type OslsPackageResult, oslsPackage } from './fixtures/deploy/run-osls.js';

/**
 * Bad configs fail both `shardflow validate` and `osls package`, with the error's name and the path of the
 * offending setting — before anything is built.
 */

const BAD_CONFIGS = [
  ['out-of-range.config.ts', 'ConfigRangeError', 'streams.orders.batchSize', 'must be an integer from 1 to 10000'],
  [
    'unknown-processor.config.ts',
    'UnknownProcessorError',
    'streams.orders.routes[1].processor',
    "no processor named 'order-audit'",
  ],
  ['duplicate-stream.config.ts', 'DuplicateNameError', 'streams.Payments', 'duplicates streams.payments'],
  [
    'at-timestamp-dynamodb.config.ts',
    'UnsupportedSettingError',
    'streams.orders.startingPosition',
    'AT_TIMESTAMP is supported for Kinesis only',
  ],
  ['bad-stage.config.ts', 'ConfigRangeError', 'stages.dev.batchSize', 'must be an integer from 1 to 10000, got 0'],
  [
    'silent-discard.config.ts',
    'SilentDiscardError',
    'streams.orders',
    'AWS discards a failing batch after 5 retries (maxRetries), and with no onFailure destination nothing records which records were lost',
  ],
  // Packaged on or after 2026-07-01 (the tests run later than that): AWS refuses both creating and updating.
  [
    'blocked-runtime.config.ts',
    'RuntimeBlockedError',
    'runtime',
    'nodejs20.x was deprecated on 2026-04-30; AWS blocks creating functions on it since 2026-06-01 and updating functions on it since 2026-07-01',
  ],
] as const;

function captureOutput() {
  const lines = { log: [] as string[], error: [] as string[] };
  return {
    lines,
    output: { log: (line: string) => lines.log.push(line), error: (line: string) => lines.error.push(line) },
  };
}

describe('shardflow validate', () => {
  it.each(BAD_CONFIGS)('%s: exits 1 naming %s at %s', async (file, errorName, path, message) => {
    // Arrange
    const { lines, output } = captureOutput();

    // Act
    const exitCode = await runValidate({ config: `${FIXTURES}/${file}` }, output);

    // Assert
    expect(exitCode).toBe(1);
    expect(lines.error).toHaveLength(1);
    expect(lines.error[0]).toContain(`${errorName} at ${path}: `);
    expect(lines.error[0]).toContain(message);
  });

  it('accepts the fixture app and says what each stage deploys', async () => {
    // Arrange
    const { lines, output } = captureOutput();

    // Act
    const exitCode = await runValidate({ config: `${FIXTURES}/app.config.ts`, stage: 'prod' }, output);

    // Assert
    expect(lines.error).toEqual([]);
    expect(exitCode).toBe(0);
    expect(lines.log[0]).toContain('is valid: service shop, 4 stream(s), 4 processor(s)');
    expect(lines.log).toContain('stage prod: 4 function(s), data resources retained on remove');
    expect(lines.log.join('\n')).toContain('orders: shop-prod-orders · source dynamodb orders-prod (created)');
  });

  it('is registered as a command that sets the exit code', async () => {
    // Arrange
    const program = new Command('shardflow').exitOverride();
    registerValidate(program);
    const previous = process.exitCode;
    const errors: string[] = [];
    const consoleError = console.error;
    console.error = (line: string) => errors.push(line);

    try {
      // Act
      await program.parseAsync(['node', 'shardflow', 'validate', '--config', `${FIXTURES}/out-of-range.config.ts`]);

      // Assert
      expect(process.exitCode).toBe(1);
      expect(errors.join('\n')).toContain('ConfigRangeError at streams.orders.batchSize');
    } finally {
      console.error = consoleError;
      process.exitCode = previous;
    }
  });
});

describe('osls package of a bad config (offline)', () => {
  const runs: OslsPackageResult[] = [];

  afterAll(async () => {
    for (const run of runs) await run.cleanup();
  });

  it.each(BAD_CONFIGS)(
    '%s: fails naming %s at %s',
    async (file, errorName, path, message) => {
      // Act
      const run = await oslsPackage({ stage: 'dev', config: `${FIXTURES}/${file}` });
      runs.push(run);

      // Assert
      expect(run.exitCode).not.toBe(0);
      expect(run.output).toContain(`shardflow: ${errorName} at ${path}: `);
      expect(run.output).toContain(message);
      expect(run.output).not.toContain('Service packaged');
    },
    60_000,
  );
});
