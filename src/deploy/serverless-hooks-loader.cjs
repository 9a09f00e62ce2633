'use strict';
/**
 * Loads shardflow's serverless hooks into the Serverless Framework's process: the compiled
 * `serverless-hooks.js` next to this file when it exists (the published package: `dist/deploy/`), else the
 * TypeScript source through tsx (inside shardflow's own repository, `src/deploy/`). The user's config and its
 * processors load through tsx either way (see `loadConfig`). Used by serverless-plugin.cjs.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

/** The config file when `custom.shardflow.config` is not set. */
const DEFAULT_CONFIG = 'shardflow.config.ts';

/** @type {Promise<typeof import('./serverless-hooks.ts')> | undefined} */
let hooks;

/**
 * The hooks module, loaded once per process.
 *
 * @example
 * const { prepareDeployment } = await loadServerlessHooks();
 */
function loadServerlessHooks() {
  hooks ??= (async () => {
    const compiled = join(__dirname, 'serverless-hooks.js');
    if (existsSync(compiled)) return import(pathToFileURL(compiled).href);
    const { register } = await import('tsx/esm/api');
    register();
    return import(pathToFileURL(join(__dirname, 'serverless-hooks.ts')).href);
  })();
  return hooks;
}

/**
 * An Error whose stack is its message, so the framework prints one clear line instead of a stack trace.
 *
 * @example
 * throw await cleanError(error);
 */
async function cleanError(error) {
  const { describeDeployError } = await loadServerlessHooks();
  const clean = new Error(`shardflow: ${describeDeployError(error)}`);
  clean.stack = clean.message;
  return clean;
}

module.exports = { cleanError, DEFAULT_CONFIG, loadServerlessHooks };
