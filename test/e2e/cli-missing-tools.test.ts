import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeProjectWithout, type ProjectWithout, REPO, removeProject, runCli } from './fixtures/cli-harness.js';
import { clicksJavaScriptProject, clicksProject, kinesisSampleEvent } from './fixtures/projects.js';

// Runs the real bin of a copy of shardflow whose node_modules lacks some optional (tooling) packages, as
// `npm install --omit=optional` leaves a project: the command prints one line naming the package and its
// install command, and exits 2.
let optionalDependencies: Record<string, string>;
let peerDependencies: Record<string, string>;
let made: ProjectWithout | undefined;
beforeAll(async () => {
  const own = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8'));
  optionalDependencies = own.optionalDependencies;
  peerDependencies = own.peerDependencies;
});
afterEach(async () => {
  if (made) await removeProject(made.root);
  made = undefined;
});

/** The one line the CLI prints for a missing package. */
function missingToolLine(packageName: string, neededFor: string): string {
  const peer = peerDependencies[packageName];
  return (
    `MissingToolError: ${packageName} is not installed, needed for ${neededFor}: run ` +
    `\`npm install --save-dev '${packageName}@${optionalDependencies[packageName] ?? peer}'\` ` +
    (peer !== undefined
      ? '(an optional peer dependency of shardflow, installed by the services that need it)\n'
      : '(an optional dependency of shardflow, skipped by `npm install --omit=optional`)\n')
  );
}

describe('shardflow without its optional tooling', () => {
  it.each([
    {
      missing: 'kinesalite',
      neededFor: 'shardflow dev (Kinesis emulator)',
      command: ['dev'],
      files: clicksProject(),
    },
    {
      missing: 'amplify-dynamodb-simulator',
      neededFor: 'shardflow dev (DynamoDB Local, whose jar it bundles)',
      command: ['dev', '--stream', 'orders'],
      files: clicksProject({ withOrders: true }),
    },
    {
      missing: '@aws-sdk/client-dynamodb-streams',
      neededFor: 'shardflow dev (DynamoDB Streams reader)',
      command: ['dev'],
      files: clicksProject(),
    },
    {
      missing: 'commander',
      neededFor: 'the shardflow command line',
      command: ['validate'],
      files: clicksProject(),
    },
    {
      missing: 'tsx',
      neededFor: 'loading a TypeScript config (shardflow.config.ts) and its processors',
      command: ['validate'],
      files: clicksProject(),
    },
  ])(
    '`shardflow $command.0` without $missing: one line with the install command, exit code 2',
    async ({ missing, neededFor, command, files }) => {
      // Arrange
      made = await makeProjectWithout([missing], files);

      // Act
      const result = await runCli(command, made.project, {}, made.bin);

      // Assert
      expect(result.stderr).toBe(missingToolLine(missing, neededFor));
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
    },
  );

  it.each(['mjs', 'js'] as const)('validates and invokes a shardflow.config.%s without tsx', async (ext) => {
    // Arrange
    made = await makeProjectWithout(['tsx'], {
      ...clicksJavaScriptProject(ext),
      'events/kinesis-sample.json': JSON.stringify(kinesisSampleEvent()),
    });
    const config = `shardflow.config.${ext}`;

    // Act
    const validate = await runCli(['validate', '--config', config], made.project, {}, made.bin);
    const invoke = await runCli(
      // The opt-in local quarantine, so that the sample's non-JSON record is quarantined (exit 0 with --allow-failures).
      [
        'invoke',
        'clicks',
        '--config',
        config,
        '--event',
        'events/kinesis-sample.json',
        '--local-quarantine',
        '--allow-failures',
      ],
      made.project,
      {},
      made.bin,
    );

    // Assert
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain(`✓ ${config} is valid: service cli-e2e, 1 stream(s), 1 processor(s)`);
    expect(invoke.code, invoke.stderr).toBe(0);
    expect(JSON.parse(invoke.stdout)).toEqual({ batchItemFailures: [] });
    expect(invoke.stderr).toContain('2 records: 1 processed, 1 quarantined');
  });
});
