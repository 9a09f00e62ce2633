import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MissingToolError } from '../local/missing-tool.js';
import type { ShardflowConfig } from '../runtime/config/types.js';
import { ConfigError } from '../runtime/errors.js';
import { CliDefaults } from './constants.js';
import { CliUsageError, ConfigFileError } from './errors.js';
import { registerTypeScriptLoader } from './register-typescript.js';

/**
 * Loads a shardflow config file (JavaScript, or TypeScript through tsx, registered on first use) by dynamic
 * import, relative to the working directory, and checks that its default export is a `defineConfig(...)`.
 *
 * @throws {ConfigFileError} when the file is missing, fails to import, or exports something else
 * @throws {ConfigError} (and its subclasses) as thrown by the config's own `defineConfig` validation
 * @throws {MissingToolError} when the config is TypeScript and `tsx` is not installed
 *
 * @example
 * ```ts
 * const config = await loadConfig('shardflow.config.ts');
 * Object.keys(config.streams); // ['orders', 'clicks']
 * ```
 */
export async function loadConfig(file: string = CliDefaults.configFile): Promise<ShardflowConfig> {
  const path = resolve(file);
  try {
    await access(path);
  } catch {
    throw new ConfigFileError(file, 'the file does not exist (pass --config <file>)');
  }
  let module: { default?: unknown };
  try {
    await registerTypeScriptLoader(path);
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MissingToolError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    throw new ConfigFileError(file, `cannot be loaded (${reason})`, { cause: error });
  }
  const config = module.default as Partial<ShardflowConfig> | undefined;
  if (config === undefined || config === null || config.kind !== 'shardflow.config') {
    throw new ConfigFileError(file, 'its default export must be defineConfig({ ... })');
  }
  return config as ShardflowConfig;
}

/**
 * The config reduced to some of its streams (processors kept), so that local runs start only the
 * emulators those streams need.
 *
 * @throws {CliUsageError} when a stream is not in the config
 *
 * @example
 * ```ts
 * const clicksOnly = selectStreams(config, ['clicks']);
 * ```
 */
export function selectStreams(config: ShardflowConfig, streams: readonly string[]): ShardflowConfig {
  const selected: Record<string, ShardflowConfig['streams'][string]> = {};
  for (const name of streams) selected[name] = streamOf(config, name);
  return { ...config, streams: selected };
}

/**
 * One stream of the config, by the name given on the command line.
 *
 * @throws {CliUsageError} when the config has no such stream (the message lists the known ones)
 *
 * @example
 * ```ts
 * const clicks = streamOf(config, 'clicks');
 * clicks.source.type; // 'kinesis'
 * ```
 */
export function streamOf(config: ShardflowConfig, name: string): ShardflowConfig['streams'][string] {
  const stream = Object.hasOwn(config.streams, name) ? config.streams[name] : undefined;
  if (stream === undefined) {
    throw new CliUsageError(`unknown stream '${name}' (the config has: ${Object.keys(config.streams).join(', ')})`);
  }
  return stream;
}
