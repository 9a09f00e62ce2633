/**
 * Default paths of the `shardflow` command, relative to the working directory.
 *
 * @example
 * ```ts
 * import { CliDefaults } from './constants.js';
 * const config = await loadConfig(CliDefaults.configFile);
 * ```
 */
export const CliDefaults = {
  /** The config the commands load unless `--config` names another. */
  configFile: 'shardflow.config.ts',
  /** The data dir the `destinations` commands read unless `--data-dir` names another. */
  dataDir: '.shardflow/data',
  /** `shardflow dev`'s log file when it runs without a data dir (with one: `<data dir>/dev.log`). */
  devLogFile: '.shardflow/dev.log',
  /** Where `shardflow invoke` quarantines permanent failures: `<dir>/<stream>.ndjson`. */
  invokeQuarantineDir: '.shardflow/quarantine',
} as const;
