'use strict';
/**
 * shardflow's serverless plugin: before the framework packages, bundles every stream's function with esbuild
 * (see bundle-function.ts), zips it reproducibly and points the function's `package.artifact` at the zip.
 * Logs the artifact sizes and the plan's warnings. Works with osls and the Serverless Framework v3 and v4.
 */
const { join } = require('node:path');
const { cleanError, DEFAULT_CONFIG, loadServerlessHooks } = require('./serverless-hooks-loader.cjs');

class ShardflowServerlessPlugin {
  /**
   * @param {any} serverless the framework instance
   * @param {Record<string, unknown>} options CLI options (`stage`, `package`, `function`, …)
   * @param {{ log?: { notice: (text: string) => void; warning: (text: string) => void } }} [utils]
   */
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options;
    const log = utils?.log;
    this.notice = (text) => (log ? log.notice(text) : console.log(text));
    this.warning = (text) => (log ? log.warning(text) : console.warn(text));
    this.hooks = {
      'before:package:createDeploymentArtifacts': () => this.packageFunctions(),
      'before:deploy:function:packageFunction': () => this.packageFunctions(),
    };
  }

  async packageFunctions() {
    const { serverless } = this;
    const service = serverless.service;
    const serviceDir = serverless.serviceDir ?? serverless.config.servicePath ?? process.cwd();
    const request = {
      configFile: service.custom?.shardflow?.config ?? DEFAULT_CONFIG,
      stage: serverless.getProvider('aws').getStage(),
      serviceDir,
      // The framework builds every artifact in <service>/.serverless and moves the directory to --package at the end.
      outDir: join(serviceDir, '.serverless'),
      runtime: service.provider.runtime,
    };
    const { formatArtifactSizes, packageServerlessFunctions } = await loadServerlessHooks();
    let result;
    try {
      result = await packageServerlessFunctions(request);
    } catch (error) {
      throw await cleanError(error);
    }
    for (const artifact of result.artifacts) {
      const fn = service.getFunction(artifact.stream);
      fn.package = { ...(fn.package ?? {}), artifact: artifact.artifact };
    }
    this.notice(`shardflow: bundled ${result.artifacts.length} function(s) for stage ${request.stage}`);
    for (const line of formatArtifactSizes(result.artifacts)) this.notice(`  ${line}`);
    for (const warning of result.warnings) this.warning(`shardflow: ${warning}`);
  }
}

module.exports = ShardflowServerlessPlugin;
