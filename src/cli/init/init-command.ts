import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { TextOutput } from '../cli-logger.js';
import { CliUsageError, ExitCode, TargetNotEmptyError } from '../errors.js';
import { scaffoldFiles } from './scaffold.js';
import { serviceNameFor } from './service-name.js';

/** Options of `shardflow init`. */
export interface InitOptions {
  /** The directory to create the service in (created when missing). Default: the working directory. */
  readonly dir?: string | undefined;
  /** The service name. Default: derived from the directory's name. */
  readonly name?: string | undefined;
  /** The `shardflow` devDependency to write (a range, or e.g. `file:/tmp/shardflow-0.1.0.tgz`). Default `^<version>`. */
  readonly shardflow?: string | undefined;
  /** Write into a non-empty directory, overwriting files of the same name. */
  readonly force?: boolean | undefined;
}

/** Entries a fresh service directory may already hold. */
const IGNORED_ENTRIES = new Set(['.git']);

/**
 * Runs `shardflow init [dir]`: writes a new service — a zod schema, a processor and its vitest test, a
 * `shardflow.config.ts` with a Kinesis and a DynamoDB stream, `serverless.yml` for the shardflow plugin,
 * `package.json`, `tsconfig.json`, README and `.gitignore` — and prints what it wrote and the next steps.
 *
 * @returns the exit code (0)
 * @throws {TargetNotEmptyError} when the directory holds files and `force` is not set
 * @throws {CliUsageError} when the path is a file, or the service name is not valid
 *
 * @example
 * ```ts
 * await runInit({ dir: 'orders-service' }); // then: cd orders-service && npm install && npm test
 * ```
 */
export async function runInit(options: InitOptions = {}, output: TextOutput = process.stdout): Promise<number> {
  const target = resolve(options.dir ?? '.');
  const entries = await existingEntries(target);
  if (entries.length > 0 && options.force !== true) throw new TargetNotEmptyError(target, entries);
  const service = serviceNameFor(target, options.name);
  const files = await scaffoldFiles({ service, shardflowSpec: options.shardflow });

  const lines = [`Created the shardflow service ${service} in ${target}:`];
  for (const file of files) {
    const path = join(target, file.path);
    const overwritten = existsSync(path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
    lines.push(`  ${file.path}${overwritten ? ' (overwritten)' : ''}`);
  }
  const cd = relative(process.cwd(), target);
  lines.push(
    '',
    'Next steps:',
    ...(cd === '' ? [] : [`  cd ${cd.includes(' ') ? JSON.stringify(cd) : cd}`]),
    '  npm install',
    '  npm test                 # the processor test',
    '  npx shardflow dev        # both streams locally (DynamoDB Local needs Java 17+)',
    '  npx osls package         # the deploy, offline',
  );
  output.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** The entries of `dir` that make it non-empty (none when it does not exist). */
async function existingEntries(dir: string): Promise<string[]> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info === undefined) return [];
  if (!info.isDirectory()) throw new CliUsageError(`${dir} is not a directory`);
  return (await readdir(dir)).filter((entry) => !IGNORED_ENTRIES.has(entry)).sort();
}
