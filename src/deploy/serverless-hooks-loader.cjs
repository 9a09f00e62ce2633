'use strict';
/**
 * Loads shardflow's serverless hooks (TypeScript) into the Serverless Framework's process: registers tsx's
 * loader once, so the hooks, the config and its processors import as TypeScript and share one module graph.
 * Used by serverless-resolver.cjs and serverless-plugin.cjs.
 */
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
 * const { resolveServerlessSection } = await loadServerlessHooks();
 */
function loadServerlessHooks() {
  hooks ??= import('tsx/esm/api').then(({ register }) => {
    register();
    return import(pathToFileURL(join(__dirname, 'serverless-hooks.ts')).href);
  });
  return hooks;
}

/** Errors already described once: the framework resolves several sections from one failing plan. */
const described = new WeakSet();

/**
 * An Error whose stack is its message, so the framework prints one clear line instead of a stack trace.
 * The same error (every section fails with it) is described in full once, then referred to.
 *
 * @example
 * throw await cleanError(error);
 */
async function cleanError(error) {
  const { describeDeployError } = await loadServerlessHooks();
  const repeated = typeof error === 'object' && error !== null && described.has(error);
  if (typeof error === 'object' && error !== null) described.add(error);
  const clean = new Error(repeated ? 'shardflow: the config error above' : `shardflow: ${describeDeployError(error)}`);
  clean.stack = clean.message;
  return clean;
}

module.exports = { cleanError, DEFAULT_CONFIG, loadServerlessHooks };
