import { ShardflowError } from '../runtime/errors.js';
import { shardflowPackageJson } from './shardflow-package.js';

/**
 * What each package of shardflow's local tooling is needed for, as the error names it. The tooling itself is
 * shardflow's `optionalDependencies` (read from its package.json); a package listed there but not here is
 * described as "shardflow's local tooling".
 */
const NEEDED_FOR: Readonly<Record<string, string>> = {
  kinesalite: 'shardflow dev (Kinesis emulator)',
  s3rver: 'shardflow dev (S3 emulator)',
  'amplify-dynamodb-simulator': 'shardflow dev (DynamoDB Local, whose jar it bundles)',
  '@aws-sdk/client-dynamodb-streams': 'shardflow dev (DynamoDB Streams reader)',
  '@aws-sdk/client-sns': 'shardflow dev (SNS on-failure destination)',
  '@smithy/node-http-handler': 'shardflow dev (HTTP/1.1 client of the Kinesis emulator)',
  commander: 'the shardflow command line',
  tsx: 'loading a TypeScript config (shardflow.config.ts) and its processors',
  'pino-pretty': 'readable log lines on a terminal',
  esbuild: 'bundling the stream functions (osls package)',
  'cli-progress': 'progress bars of long-running commands',
};

/** Error codes of a module Node cannot find: ESM `import` and CommonJS `require`/`require.resolve`. */
const NOT_FOUND_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);
/** Node's messages for both: "Cannot find package 'x' imported from …", "Cannot find module 'x/y'". */
const NOT_FOUND_MESSAGE = /Cannot find (?:package|module) '([^']+)'/;

/**
 * A package of shardflow's local tooling (an optional dependency: an emulator, tsx, commander …) is not
 * installed — usually because the project was installed with `--omit=optional`. The message names the
 * package, what needs it, and the command that installs it at the range shardflow's package.json declares.
 * The `shardflow` command prints it as one line and exits 2.
 *
 * @example
 * ```ts
 * try {
 *   await startKinesalite();
 * } catch (error) {
 *   if (error instanceof MissingToolError) console.error(error.installCommand);
 *   // npm install --save-dev 'kinesalite@^3.3.3'
 * }
 * ```
 */
export class MissingToolError extends ShardflowError {
  /** The package that cannot be resolved, e.g. `kinesalite`. */
  readonly packageName: string;
  /** What it is needed for, e.g. `shardflow dev (Kinesis emulator)`. */
  readonly neededFor: string;
  /** The command that installs it, e.g. `npm install --save-dev 'kinesalite@^3.3.3'`. */
  readonly installCommand: string;

  constructor(packageName: string, options?: ErrorOptions) {
    const neededFor = NEEDED_FOR[packageName] ?? "shardflow's local tooling";
    const own = shardflowPackageJson();
    const peer = own.peerDependencies[packageName];
    const range = own.optionalDependencies[packageName] ?? peer;
    const installCommand = `npm install --save-dev '${range === undefined ? packageName : `${packageName}@${range}`}'`;
    super(
      `${packageName} is not installed, needed for ${neededFor}: run \`${installCommand}\` ` +
        (peer !== undefined
          ? '(an optional peer dependency of shardflow, installed by the services that need it)'
          : '(an optional dependency of shardflow, skipped by `npm install --omit=optional`)'),
      options,
    );
    this.packageName = packageName;
    this.neededFor = neededFor;
    this.installCommand = installCommand;
  }
}

/**
 * Whether `error` is Node's "module not found" (ESM or CommonJS) for the package `packageName` itself — for
 * any specifier inside it (`tsx/esm/api`, `amplify-dynamodb-simulator/package.json`) — rather than for a
 * relative file or another package.
 *
 * @example
 * ```ts
 * try {
 *   await import('pino-pretty');
 * } catch (error) {
 *   if (!isMissingPackage(error, 'pino-pretty')) throw error;
 * }
 * ```
 */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  return missingPackageOf(error) === packageName;
}

/**
 * The {@link MissingToolError} that `error` stands for: the error itself, a "module not found" for one of
 * shardflow's tooling packages turned into one, or either of those found along the `cause` chain;
 * `undefined` otherwise. The `shardflow` command maps every error it reports through this.
 *
 * @example
 * ```ts
 * const missing = missingToolOf(error);
 * if (missing) process.stderr.write(`${missing.name}: ${missing.message}\n`);
 * ```
 */
export function missingToolOf(error: unknown): MissingToolError | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    if (current instanceof MissingToolError) return current;
    const packageName = missingPackageOf(current);
    if (packageName !== undefined && isTool(packageName)) return new MissingToolError(packageName, { cause: current });
  }
  return undefined;
}

/**
 * Loads a tooling package synchronously (`require`, `require.resolve`): the loader's result, or a
 * {@link MissingToolError} when it fails because `packageName` cannot be resolved. Other errors pass through.
 *
 * @throws {MissingToolError} when `packageName` is not installed
 *
 * @example
 * ```ts
 * const S3rver = requireTool('s3rver', () => createRequire(import.meta.url)('s3rver'));
 * ```
 */
export function requireTool<T>(packageName: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    throw asMissingTool(error, packageName);
  }
}

/**
 * Loads a tooling package asynchronously (`import()`): the loader's result, or a {@link MissingToolError}
 * when it fails because `packageName` cannot be resolved. Other errors pass through.
 *
 * @throws {MissingToolError} when `packageName` is not installed
 *
 * @example
 * ```ts
 * const { register } = await importTool('tsx', () => import('tsx/esm/api'));
 * ```
 */
export async function importTool<T>(packageName: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw asMissingTool(error, packageName);
  }
}

function asMissingTool(error: unknown, packageName: string): unknown {
  return isMissingPackage(error, packageName) ? new MissingToolError(packageName, { cause: error }) : error;
}

function isTool(packageName: string): boolean {
  return (
    Object.hasOwn(NEEDED_FOR, packageName) ||
    Object.hasOwn(shardflowPackageJson().optionalDependencies, packageName) ||
    Object.hasOwn(shardflowPackageJson().peerDependencies, packageName)
  );
}

/** The package a "module not found" error names, or `undefined` (another error, or a file path). */
function missingPackageOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !NOT_FOUND_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
  const specifier = NOT_FOUND_MESSAGE.exec(error.message)?.[1];
  if (specifier === undefined || /^(?:\.|\/|[A-Za-z]:[\\/]|file:|node:)/.test(specifier)) return undefined;
  const segments = specifier.split('/');
  return specifier.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0];
}
