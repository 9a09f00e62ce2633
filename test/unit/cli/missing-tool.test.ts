import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFileError, describeCliError, ExitCode, exitCodeOf } from '../../../src/cli/errors.js';
import {
  importTool,
  isMissingPackage,
  MissingToolError,
  missingToolOf,
  requireTool,
} from '../../../src/local/missing-tool.js';

// The resolver is injected: loaders rooted in an empty temporary directory, where Node's real resolution finds
// nothing — what a project installed with `--omit=optional` gives shardflow's tooling.
const execFileAsync = promisify(execFile);
let empty: string;
let optionalDependencies: Record<string, string>;
let peerDependencies: Record<string, string>;
const requireFromEmpty = (specifier: string): unknown => createRequire(join(empty, 'index.js'))(specifier);
const resolveFromEmpty = (specifier: string): string => createRequire(join(empty, 'index.js')).resolve(specifier);
/**
 * The errors Node's ESM loader throws for these specifiers imported from a module in the empty directory,
 * collected in a child `node` (the test runner resolves `import()` its own way, from this repository) and
 * rebuilt here with their code and message.
 */
async function esmErrors(specifiers: readonly string[]): Promise<Record<string, Error>> {
  const probe = join(empty, 'probe.mjs');
  await writeFile(
    probe,
    `const out = {};
for (const specifier of ${JSON.stringify(specifiers)}) {
  await import(specifier).catch((error) => { out[specifier] = { code: error.code, message: error.message }; });
}
process.stdout.write(JSON.stringify(out));
`,
  );
  const { stdout } = await execFileAsync(process.execPath, [probe], { cwd: empty });
  const found = JSON.parse(stdout) as Record<string, { code: string; message: string }>;
  return Object.fromEntries(
    Object.entries(found).map(([specifier, { code, message }]) => [
      specifier,
      Object.assign(new Error(message), { code }),
    ]),
  );
}
let esm: Record<string, Error>;
/** The error a loader throws. */
async function errorOf(load: () => unknown): Promise<unknown> {
  try {
    await load();
  } catch (error) {
    return error;
  }
  throw new Error('expected the loader to fail');
}

beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'shardflow-missing-tool-'));
  const packageJson = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
  optionalDependencies = packageJson.optionalDependencies;
  peerDependencies = packageJson.peerDependencies;
  esm = await esmErrors(['tsx/esm/api', '@aws-sdk/client-sns', 'commander', './processors/gone.mjs']);
});
afterAll(async () => {
  await rm(empty, { recursive: true, force: true });
});

describe('requireTool', () => {
  it('turns an unresolvable tooling package into a MissingToolError naming it, its use and its install command', async () => {
    // Arrange
    const load = () => requireFromEmpty('kinesalite');

    // Act
    const error = await errorOf(() => requireTool('kinesalite', load));

    // Assert
    const install = `npm install --save-dev 'kinesalite@${optionalDependencies.kinesalite}'`;
    expect(error).toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({
      name: 'MissingToolError',
      packageName: 'kinesalite',
      neededFor: 'shardflow dev (Kinesis emulator)',
      installCommand: install,
      cause: expect.objectContaining({ code: 'MODULE_NOT_FOUND' }),
    });
    expect((error as Error).message).toBe(
      `kinesalite is not installed, needed for shardflow dev (Kinesis emulator): run \`${install}\` ` +
        '(an optional dependency of shardflow, skipped by `npm install --omit=optional`)',
    );
  });

  it('recognises a file inside the package (require.resolve of its package.json)', async () => {
    // Arrange
    const load = () => resolveFromEmpty('amplify-dynamodb-simulator/package.json');

    // Act
    const error = await errorOf(() => requireTool('amplify-dynamodb-simulator', load));

    // Assert
    expect(error).toMatchObject({
      name: 'MissingToolError',
      packageName: 'amplify-dynamodb-simulator',
      installCommand: `npm install --save-dev 'amplify-dynamodb-simulator@${peerDependencies['amplify-dynamodb-simulator']}'`,
    });
  });

  it("passes another package's resolution failure through unchanged (a dependency of the tool, not the tool)", async () => {
    // Arrange
    const load = () => requireFromEmpty('leveldown');

    // Act
    const error = await errorOf(() => requireTool('kinesalite', load));

    // Assert
    expect(error).not.toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({ code: 'MODULE_NOT_FOUND' });
    expect(isMissingPackage(error, 'leveldown')).toBe(true);
  });

  it("passes an error of the tool's own loading through unchanged", async () => {
    // Arrange
    const broken = new TypeError('kinesalite: bad options');

    // Act
    const error = await errorOf(() =>
      requireTool('kinesalite', () => {
        throw broken;
      }),
    );

    // Assert
    expect(error).toBe(broken);
  });
});

describe('importTool', () => {
  it('turns an ESM import of an unresolvable tooling package (a subpath of it) into a MissingToolError', async () => {
    // Arrange
    const load = () => Promise.reject(esm['tsx/esm/api']);

    // Act
    const error = await errorOf(() => importTool('tsx', load));

    // Assert
    expect(error).toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({
      packageName: 'tsx',
      installCommand: `npm install --save-dev 'tsx@${optionalDependencies.tsx}'`,
      cause: expect.objectContaining({ code: 'ERR_MODULE_NOT_FOUND' }),
    });
  });
});

describe('missingToolOf', () => {
  it("maps Node's ESM error for a scoped tooling package, also found along the cause chain", async () => {
    // Arrange
    const raw = esm['@aws-sdk/client-sns'];
    const wrapped = new ConfigFileError('shardflow.config.mjs', 'cannot be loaded', { cause: raw });

    // Act
    const direct = missingToolOf(raw);
    const throughCause = missingToolOf(wrapped);

    // Assert
    expect(direct).toMatchObject({ packageName: '@aws-sdk/client-sns', cause: raw });
    expect(throughCause?.packageName).toBe('@aws-sdk/client-sns');
  });

  it('leaves a missing file, a package that is not tooling, and other errors alone', async () => {
    // Arrange
    const missingFile = esm['./processors/gone.mjs'];
    const notTooling = await errorOf(() => requireFromEmpty('left-pad'));

    // Act
    const mapped = [missingFile, notTooling, new Error('boom'), 'not an error'].map(missingToolOf);

    // Assert
    expect(mapped).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('the CLI error report', () => {
  it("describes Node's error for a missing tooling package as the MissingToolError, on one line, exit code 2", async () => {
    // Arrange
    const raw = esm.commander;

    // Act
    const line = describeCliError(raw);
    const code = exitCodeOf(raw);

    // Assert
    expect(line).toBe(
      `MissingToolError: commander is not installed, needed for the shardflow command line: run ` +
        `\`npm install --save-dev 'commander@${optionalDependencies.commander}'\` ` +
        '(an optional dependency of shardflow, skipped by `npm install --omit=optional`)',
    );
    expect(code).toBe(ExitCode.usage);
    expect(exitCodeOf(new Error('boom'))).toBe(ExitCode.failure);
  });
});
