import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packShardflow } from './pack-shardflow.js';
import { type CommandResult, runCommand } from './run-command.js';

/** A throwaway project, outside the repository, that installed the packed shardflow. */
export interface ConsumerProject {
  readonly dir: string;
  /** Writes files (paths relative to the project). */
  write(files: Readonly<Record<string, string>>): Promise<void>;
  /** Runs a program in the project directory; never throws for a non-zero exit. */
  run(file: string, args: readonly string[]): Promise<CommandResult>;
  /** Runs a program installed in the project's node_modules (`tsc`, …) with this Node.js. */
  runBin(packageName: string, bin: string, args: readonly string[]): Promise<CommandResult>;
  remove(): Promise<void>;
}

/** What {@link createConsumerProject} installs next to the tarball. */
export interface ConsumerProjectOptions {
  /** npm package specs installed with shardflow, e.g. `['zod@4', 'typescript@7']`. */
  readonly packages: readonly string[];
  /** Extra fields of the project's package.json (it is `"type": "module"` and private). */
  readonly packageJson?: Readonly<Record<string, unknown>>;
  /** Environment variables set (over this process's) for every command run in the project after install. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Creates a project in a new temporary directory and installs the packed shardflow ({@link packShardflow})
 * plus `packages` into it with npm, as a user would (`npm install <tarball> …`, from the npm cache when it can).
 *
 * @example
 * ```ts
 * const project = await createConsumerProject({ packages: ['zod@4', 'typescript@7'] });
 * await project.write({ 'index.ts': "import { createHandler } from 'shardflow';" });
 * const { code, stdout } = await project.runBin('typescript', 'tsc', ['--noEmit']);
 * await project.remove();
 * ```
 */
export async function createConsumerProject(options: ConsumerProjectOptions): Promise<ConsumerProject> {
  const tarball = await packShardflow();
  const dir = await mkdtemp(join(tmpdir(), 'shardflow-consumer-'));
  const env = { ...process.env, ...options.env };
  const run = (file: string, args: readonly string[]) => runCommand(file, args, { cwd: dir, env });
  const project: ConsumerProject = {
    dir,
    async write(files) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
    },
    run,
    async runBin(packageName, bin, args) {
      const manifestPath = join(dir, 'node_modules', packageName, 'package.json');
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
      const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
      if (relative === undefined) throw new Error(`${packageName} has no bin '${bin}'`);
      return run(process.execPath, [join(dir, 'node_modules', packageName, relative), ...args]);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await project.write({
      'package.json': JSON.stringify({
        name: 'shardflow-consumer',
        private: true,
        type: 'module',
        ...options.packageJson,
      }),
    });
    await runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...options.packages], {
      cwd: dir,
      check: true,
    });
  } catch (error) {
    await project.remove();
    throw error;
  }
  return project;
}
