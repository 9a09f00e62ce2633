import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);
/** `.ts` when shardflow runs from its sources (in this repository), `.js` when compiled (as it ships). */
const EXT = extname(HERE);

/**
 * Absolute paths of the two shardflow modules a function entry imports.
 *
 * @example
 * ```ts
 * shardflowModules().handler; // '/…/node_modules/shardflow/dist/runtime/handler.js'
 * ```
 */
export function shardflowModules(): { readonly handler: string; readonly configForStage: string } {
  const runtimeDir = join(dirname(HERE), '..', 'runtime');
  return {
    handler: join(runtimeDir, `handler${EXT}`),
    configForStage: join(runtimeDir, 'stages', `config-for-stage${EXT}`),
  };
}

/** What the generated entry module of one function needs. */
export interface FunctionEntryOptions {
  /** Absolute path of the config file. */
  readonly configFile: string;
  readonly stage: string;
  readonly stream: string;
}

/**
 * The source of the tiny module esbuild bundles for one stream's function:
 * `export const handler = createHandler(configForStage(config, '<stage>'), '<stream>')`. The handler is
 * built at module scope, once per execution environment.
 *
 * @example
 * ```ts
 * functionEntrySource({ configFile: '/app/shardflow.config.ts', stage: 'prod', stream: 'orders' });
 * ```
 */
export function functionEntrySource(options: FunctionEntryOptions): string {
  const modules = shardflowModules();
  return [
    `import config from ${JSON.stringify(options.configFile)};`,
    `import { configForStage } from ${JSON.stringify(modules.configForStage)};`,
    `import { createHandler } from ${JSON.stringify(modules.handler)};`,
    '',
    `export const handler = createHandler(configForStage(config, ${JSON.stringify(options.stage)}), ${JSON.stringify(options.stream)});`,
    '',
  ].join('\n');
}
