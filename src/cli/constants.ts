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
  /**
   * The one data dir of the local environment: `dev` keeps emulator data, checkpoints, on-failure
   * records, `dev.log` and `dev.json` there; `put`, `invoke` and `destinations` find dev through it.
   */
  dataDir: '.shardflow/data',
} as const;
