/**
 * Bundles and zips the stream functions of one stage, for `ShardflowStreams` (which must stay synchronous,
 * as CDK constructs are): run as a child process with the config file, the stage, the service directory and
 * the output directory; prints `{ "<stream>": "<zip path>" }` as JSON on its last line.
 *
 *   node bundle-main.js <configFile> <stage> <serviceDir> <outDir>
 */
import { loadConfig } from '../../cli/load-config.js';
import { planDeployment } from '../deploy-plan.js';
import { describeDeployError } from '../describe-error.js';
import { packageFunctions } from '../package-functions.js';

const [configFile, stage, serviceDir, outDir] = process.argv.slice(2);
try {
  const config = await loadConfig(configFile);
  const plan = planDeployment(config, stage!);
  const artifacts = await packageFunctions({ plan, configFile: configFile!, serviceDir: serviceDir!, outDir: outDir! });
  process.stdout.write(`${JSON.stringify(Object.fromEntries(artifacts.map((a) => [a.stream, a.artifact])))}\n`);
} catch (error) {
  process.stderr.write(`shardflow: ${describeDeployError(error)}\n`);
  process.exitCode = 1;
}
