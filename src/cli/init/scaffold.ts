import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shardflowPackageJson } from '../../local/shardflow-package.js';

/** The service's files, kept as files next to this module (copied to `dist/cli/init/template/` by the build). */
const TEMPLATE_DIR = fileURLToPath(new URL('./template/', import.meta.url));
/** Replaced by the service name in every template file. */
const SERVICE_PLACEHOLDER = /__SERVICE__/g;
/** Template files stored under another name: npm leaves `.gitignore` files out of a package. */
const STORED_AS: Readonly<Record<string, string>> = { gitignore: '.gitignore' };
/** The development tools a new service lists, at the ranges shardflow itself is developed with. */
const DEV_TOOLS = ['@types/node', 'typescript', 'vitest'] as const;
/** The package that ships DynamoDB Local's jar. */
const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator';

/** What a new service is made of. */
export interface ScaffoldOptions {
  /** The service name (package name, config `service`, Serverless `service`). */
  readonly service: string;
  /** The `shardflow` devDependency: a range or any npm spec (`file:…tgz`). Default `^<shardflow's version>`. */
  readonly shardflowSpec?: string | undefined;
}

/** One file of a new service: its path relative to the service directory (`/`-separated) and its content. */
export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The files of a new shardflow service, sorted by path: the generated `package.json` and the template's files
 * (a schema, a processor and its test, `shardflow.config.ts`, `serverless.yml`, `tsconfig.json`, README and
 * `.gitignore`) with the service name filled in.
 *
 * @example
 * ```ts
 * const files = await scaffoldFiles({ service: 'orders-service' });
 * files.map((file) => file.path); // ['.gitignore', 'README.md', 'package.json', …]
 * ```
 */
export async function scaffoldFiles(options: ScaffoldOptions): Promise<ScaffoldFile[]> {
  const files: ScaffoldFile[] = [{ path: 'package.json', content: servicePackageJson(options) }];
  for (const stored of await templatePaths(TEMPLATE_DIR, '')) {
    const content = await readFile(join(TEMPLATE_DIR, stored), 'utf8');
    files.push({ path: STORED_AS[stored] ?? stored, content: content.replace(SERVICE_PLACEHOLDER, options.service) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The `package.json` of a new service: an ES module package whose scripts test, run locally, typecheck and
 * package it; zod as its dependency, shardflow and the development tools as devDependencies — their ranges
 * read from shardflow's own package.json (its version, and the tools it is developed with).
 *
 * @example
 * ```ts
 * JSON.parse(servicePackageJson({ service: 'orders-service' })).devDependencies.shardflow; // '^0.1.0'
 * ```
 */
export function servicePackageJson(options: ScaffoldOptions): string {
  const own = shardflowPackageJson();
  const range = (name: string): string => {
    const value = own.devDependencies[name];
    if (value === undefined) throw new Error(`shardflow's package.json has no devDependency ${name}`);
    return value;
  };
  const devDependencies: Record<string, string> = { shardflow: options.shardflowSpec ?? `^${own.version}` };
  for (const tool of DEV_TOOLS) devDependencies[tool] = range(tool);
  // The scaffold's `orders` stream reads a DynamoDB table: `shardflow dev` needs DynamoDB Local's jar package,
  // an optional peer of shardflow (its range in shardflow's peerDependencies, the one place it is written).
  const dynamodbLocal = own.peerDependencies[DYNAMODB_LOCAL_PACKAGE];
  if (dynamodbLocal === undefined)
    throw new Error(`shardflow's package.json has no peerDependency ${DYNAMODB_LOCAL_PACKAGE}`);
  devDependencies[DYNAMODB_LOCAL_PACKAGE] = dynamodbLocal;
  const manifest = {
    name: options.service,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { test: 'vitest run', dev: 'shardflow dev', typecheck: 'tsc --noEmit', package: 'osls package' },
    dependencies: { zod: range('zod') },
    devDependencies: Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

async function templatePaths(root: string, prefix: string): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) paths.push(...(await templatePaths(root, path)));
    else paths.push(path);
  }
  return paths;
}
