import { isAbsolute, relative, sep } from 'node:path';

/** What the generated entry module of one function needs. */
export interface FunctionEntryOptions {
  /** Absolute path of the config file. */
  readonly configFile: string;
  /** The directory the entry is resolved from (the service directory): the config is imported relative to it. */
  readonly resolveDir: string;
  readonly stage: string;
  readonly stream: string;
}

/**
 * The source of the tiny module esbuild bundles for one stream's function:
 * `export const handler = createHandler(configForStage(config, '<stage>'), '<stream>')`, built at module
 * scope, once per execution environment. It imports the config by its path relative to the service
 * directory and shardflow by its package name — the same module the config's own `import … from 'shardflow'`
 * resolves to, so the bundle holds one copy of shardflow and no path of the machine that built it.
 *
 * @example
 * ```ts
 * functionEntrySource({ configFile: '/app/shardflow.config.ts', resolveDir: '/app', stage: 'prod', stream: 'orders' });
 * // import config from './shardflow.config.ts'; …
 * ```
 */
export function functionEntrySource(options: FunctionEntryOptions): string {
  const fromServiceDir = relative(options.resolveDir, options.configFile).split(sep).join('/');
  const configImport =
    isAbsolute(fromServiceDir) || fromServiceDir.startsWith('../') ? fromServiceDir : `./${fromServiceDir}`;
  return [
    `import config from ${JSON.stringify(configImport)};`,
    `import { configForStage, createHandler } from 'shardflow';`,
    '',
    `export const handler = createHandler(configForStage(config, ${JSON.stringify(options.stage)}), ${JSON.stringify(options.stream)});`,
    '',
  ].join('\n');
}
