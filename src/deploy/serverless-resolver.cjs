'use strict';
/**
 * shardflow's variable resolver for serverless.yml: `${file(./src/deploy/serverless-resolver.cjs):<section>}`
 * generates `service`, `functions`, `resources` and `logRetentionInDays` from the shardflow config named by
 * `custom.shardflow.config`, for the stage being packaged (`sls:stage`). Works with osls and the Serverless
 * Framework v3 and v4 (JavaScript variable resolvers receive `resolveVariable` in all three).
 */
const { cleanError, DEFAULT_CONFIG, loadServerlessHooks } = require('./serverless-hooks-loader.cjs');

/**
 * A resolver for one section.
 *
 * @example
 * module.exports.functions = section('functions');
 */
function section(name) {
  return async ({ resolveVariable }) => {
    const [configFile, stage] = await Promise.all([
      resolveVariable(`self:custom.shardflow.config, '${DEFAULT_CONFIG}'`),
      resolveVariable('sls:stage'),
    ]);
    try {
      const { resolveServerlessSection } = await loadServerlessHooks();
      return await resolveServerlessSection(name, { configFile, stage, serviceDir: process.cwd() });
    } catch (error) {
      throw await cleanError(error);
    }
  };
}

module.exports = {
  service: section('service'),
  functions: section('functions'),
  resources: section('resources'),
  logRetentionInDays: section('logRetentionInDays'),
};
