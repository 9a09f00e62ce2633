import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { RunningEmulators } from '../../src/local/emulators/index.js';
import { type CommandRunner, localEsmDeployer, oslsDeployer } from './deployers.js';
import { CloudBenchTarget, type CloudTargetOptions } from './target.js';

/** Settings of a cloud benchmark target besides its clients. */
export type TargetSettings = Omit<CloudTargetOptions, 'kinesis' | 'dynamodb' | 'functionDynamoDB'>;

/**
 * The cloud benchmark against real AWS: SDK clients from the default credential chain, functions deployed
 * with the serverless packaging (`osls deploy`).
 *
 * @example
 * ```ts
 * const target = awsTarget({ region: 'eu-west-1' });
 * await target.deploy('bench', [128, 512, 1769]);
 * ```
 */
export function awsTarget(options: TargetSettings & { readonly region?: string; readonly run?: CommandRunner } = {}) {
  const { region, run, ...settings } = options;
  const clientConfig = region ? { region } : {};
  return new CloudBenchTarget(
    'aws',
    { ...settings, kinesis: new KinesisClient(clientConfig), dynamodb: new DynamoDBClient(clientConfig) },
    oslsDeployer({ ...(region ? { region } : {}), ...(run ? { run } : {}) }),
  );
}

/**
 * The cloud benchmark on the emulators: kinesalite for the streams, DynamoDB Local for the results table,
 * the local event source mapping standing in for Lambda. Every code path of {@link awsTarget} runs except
 * the deployer and AWS itself.
 *
 * @example
 * ```ts
 * const emulators = await startEmulators({ streams: {} }, { services: ['kinesis', 'dynamodb'], createResources: false });
 * const target = emulatedTarget(emulators);
 * ```
 */
export function emulatedTarget(emulators: RunningEmulators, settings: TargetSettings = {}) {
  const { kinesis, dynamodb } = emulators.clients;
  if (kinesis === undefined || dynamodb === undefined)
    throw new Error('the emulated target needs kinesis and dynamodb');
  return new CloudBenchTarget('emulated', { ...settings, kinesis, dynamodb }, localEsmDeployer(emulators));
}
