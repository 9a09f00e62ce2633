import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkShardflow, REPO, runCli } from './fixtures/cli-harness.js';

// Runs the real bin (`node bin/shardflow.js init …`) into temporary directories, then runs the scaffold's config
// and event through the CLI with shardflow linked into its node_modules (as `npm install` would put it).
const execFileAsync = promisify(execFile);
const SCAFFOLD = [
  '.gitignore',
  'README.md',
  'events/order-events.json',
  'package.json',
  'serverless.yml',
  'shardflow.config.ts',
  'src/processors/order-events.ts',
  'src/schemas/order.ts',
  'test/order-events.test.ts',
  'tsconfig.json',
];

let root: string;
let own: {
  version: string;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  exports: Record<string, unknown>;
};
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'shardflow-init-'));
  own = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('shardflow init', () => {
  let service: string;
  let init: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    service = join(root, 'orders-service');
    init = await runCli(['init', service], root);
  });

  it('writes the service and prints what it wrote and the next steps', async () => {
    // Arrange: `init` ran in beforeAll

    // Act
    const files = await filesUnder(service);

    // Assert
    expect(init.code, init.stderr).toBe(0);
    expect(files).toEqual(SCAFFOLD);
    expect(init.stdout).toContain(`Created the shardflow service orders-service in ${service}:`);
    for (const file of SCAFFOLD) expect(init.stdout).toContain(`\n  ${file}\n`);
    expect(init.stdout).toMatch(/Next steps:\n {2}cd orders-service\n {2}npm install\n {2}npm test\b/);
    for (const file of files) expect(await readFile(join(service, file), 'utf8')).not.toContain('__SERVICE__');
  });

  it("writes a package.json whose versions come from shardflow's own", async () => {
    // Act
    const manifest = JSON.parse(await readFile(join(service, 'package.json'), 'utf8'));

    // Assert
    expect(manifest).toEqual({
      name: 'orders-service',
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: { test: 'vitest run', dev: 'shardflow dev', typecheck: 'tsc --noEmit', package: 'osls package' },
      dependencies: { zod: own.devDependencies.zod },
      devDependencies: {
        '@types/node': own.devDependencies['@types/node'],
        'amplify-dynamodb-simulator': own.peerDependencies['amplify-dynamodb-simulator'],
        shardflow: `^${own.version}`,
        typescript: own.devDependencies.typescript,
        vitest: own.devDependencies.vitest,
      },
    });
  });

  it('writes a strict NodeNext tsconfig and a serverless.yml for the shardflow plugin', async () => {
    // Act
    const tsconfig = JSON.parse(await readFile(join(service, 'tsconfig.json'), 'utf8'));
    const serverless = await readFile(join(service, 'serverless.yml'), 'utf8');

    // Assert
    expect(tsconfig.compilerOptions).toMatchObject({
      strict: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      exactOptionalPropertyTypes: true,
      noPropertyAccessFromIndexSignature: true,
      noEmit: true,
    });
    expect(serverless).toMatch(/^service: orders-service$/m);
    expect(serverless).toMatch(/^frameworkVersion: ">=3"$/m);
    expect(serverless).toMatch(/^provider:\n {2}name: aws\n {2}runtime: nodejs24\.x\n {2}architecture: arm64$/m);
    expect(serverless).toMatch(/^plugins:\n {2}- shardflow\/serverless$/m);
    expect(serverless).toMatch(/^custom:\n {2}shardflow:\n {4}config: shardflow\.config\.ts$/m);
  });

  describe('with shardflow installed in the service', () => {
    beforeAll(async () => {
      await linkShardflow(service);
      await mkdir(join(service, 'node_modules', '@types'));
      await symlink(join(REPO, 'node_modules', '@types', 'node'), join(service, 'node_modules', '@types', 'node'));
      await symlink(join(REPO, 'node_modules', 'vitest'), join(service, 'node_modules', 'vitest'));
    });

    it('has a config the CLI loads and validates: a Kinesis and a DynamoDB stream, no warnings', async () => {
      // Act
      const result = await runCli(['validate', '--config', 'shardflow.config.ts'], service);

      // Assert
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(
        '✓ shardflow.config.ts is valid: service orders-service, 2 stream(s), 1 processor(s)',
      );
      expect(result.stdout).toMatch(
        /order-events: .* source kinesis order-events-dev \(created\) .* on failure sqs order-events-failures-dev \(created\) · quarantine s3 orders-service-quarantine-dev \(created\)/,
      );
      expect(result.stdout).toMatch(
        /orders: .* source dynamodb orders-dev \(created\) .* on failure sqs orders-failures-dev \(created\) · quarantine s3 orders-service-quarantine-dev \(created\)/,
      );
      expect(result.stdout).not.toMatch(/warning|⚠/i);
    });

    it('runs its sample event through the order-events handler with `shardflow invoke`', async () => {
      // Act
      const result = await runCli(['invoke', 'order-events', '--event', 'events/order-events.json'], service);

      // Assert
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ batchItemFailures: [] });
      expect(result.stderr).toContain('1 record: 1 processed');
    });

    it('typechecks its sources and config under its own tsconfig', async () => {
      // Arrange: the test needs `shardflow/testing`; until shardflow exports it, only src/ and the config are checked.
      const checkTest = Object.hasOwn(own.exports, './testing');
      await writeFile(
        join(service, 'tsconfig.check.json'),
        JSON.stringify({
          extends: './tsconfig.json',
          include: checkTest ? ['src', 'test', 'shardflow.config.ts'] : ['src', 'shardflow.config.ts'],
        }),
      );
      const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

      // Act
      const result = await execFileAsync(process.execPath, [tsc, '-p', 'tsconfig.check.json'], { cwd: service }).then(
        () => ({ code: 0, output: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
      );

      // Assert
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    });

    it("passes Biome with shardflow's own settings", async () => {
      // Arrange
      const biome = join(REPO, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
      const files = SCAFFOLD.filter((file) => !file.endsWith('.md') && file !== '.gitignore');

      // Act
      const result = await execFileAsync(
        process.execPath,
        [biome, 'check', '--config-path', join(REPO, 'biome.json'), '--vcs-enabled=false', ...files],
        { cwd: service },
      ).then(
        () => ({ code: 0, output: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          output: error.stdout + error.stderr,
        }),
      );

      // Assert
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    });
  });

  it('takes the service name and the shardflow dependency from --name and --shardflow', async () => {
    // Arrange
    const dir = join(root, 'named');
    const spec = 'file:/tmp/shardflow-0.1.0.tgz';

    // Act
    const result = await runCli(['init', dir, '--name', 'billing', '--shardflow', spec], root);

    // Assert
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('billing');
    expect(manifest.devDependencies.shardflow).toBe(spec);
    expect(await readFile(join(dir, 'shardflow.config.ts'), 'utf8')).toContain("service: 'billing',");
  });

  it('refuses a non-empty directory (one line, exit code 2) and writes into it with --force', async () => {
    // Arrange
    const dir = join(root, 'existing');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    await writeFile(join(dir, 'README.md'), 'old readme');

    // Act
    const refused = await runCli(['init', dir], root);
    const filesAfterRefusal = await filesUnder(dir);
    const forced = await runCli(['init', dir, '--force'], root);

    // Assert
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `TargetNotEmptyError: ${dir} is not empty (README.md, notes.txt): pass --force to write the service into it ` +
        '(files of the same name are overwritten)\n',
    );
    expect(filesAfterRefusal).toEqual(['README.md', 'notes.txt']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('\n  README.md (overwritten)\n');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toMatch(/^# existing\n/);
  });

  it('refuses a directory name that makes no service name, asking for --name', async () => {
    // Arrange
    const dir = join(root, '123');

    // Act
    const result = await runCli(['init', dir], root);

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "CliUsageError: cannot make a service name of the directory name '123': pass --name <name>\n",
    );
  });
});
